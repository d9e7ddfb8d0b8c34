import * as fc from 'fast-check';
import { createCampaignInput, modifyCampaignInput } from '../../src/adapters/http/campaign-input.js';
import { parseExactJson } from '../../src/adapters/http/exact-json.js';
import { CampaignId, CampaignInvalid } from '../../src/domain/index.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

const RUNS = 1_000;
const MAX_LONG = 2n ** 63n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * What an `id` in a create or modify body means by docs/api.md: no id (`0` as a number, however JSON writes it, or
 * `"0"`, or `null`, or no `id` at all), the id of a campaign (a positive long as a JSON number or a decimal string),
 * or nothing the service takes. `either` is a form the docs leave open, which create and modify must read alike.
 */
type Meaning = { no: 'id' } | { id: bigint } | { refused: true } | { either: true };

interface SentId {
  /** The JSON text of the id; undefined: the body has no `id`. */
  json: string | undefined;
  meaning: Meaning;
  /** An id the form is near to, which a modify's path names: `[5]` or `"05"` are near 5. */
  near: bigint;
}

const long = fc.oneof(
  fc.bigInt({ min: 1n, max: 1000n }),
  fc.bigInt({ min: 1n, max: MAX_SAFE }),
  fc.bigInt({ min: MAX_SAFE + 1n, max: MAX_LONG }),
  fc.constantFrom(1n, MAX_SAFE, MAX_SAFE + 1n, MAX_SAFE + 2n, MAX_LONG),
);
const safeLong = fc.bigInt({ min: 1n, max: MAX_SAFE });

const sent = (json: string | undefined, meaning: Meaning, near = 1n): SentId => ({ json, meaning, near });
const none = { no: 'id' } as const;
const refused = { refused: true } as const;

const noId = fc.oneof(
  fc.constant(sent(undefined, none)),
  fc.constantFrom('null', '"0"').map((json) => sent(json, none)),
  // Zero as JSON writes a number.
  fc
    .tuple(
      fc.constantFrom('', '-'),
      fc.constantFrom('0', '0.0', '0.000'),
      fc.constantFrom('', 'e0', 'E+3', 'e-2', 'E00'),
    )
    .map(([sign, zero, exponent]) => sent(`${sign}${zero}${exponent}`, none)),
);

const anId = fc.oneof(
  long.map((k) => sent(`${k}`, { id: k }, k)),
  long.map((k) => sent(`"${k}"`, { id: k }, k)),
  // A JSON number that is a whole number a double holds: the same id, as Jackson takes it into a long.
  safeLong.chain((k) =>
    fc.constantFrom(`${k}.0`, `${k}e0`, `${k}.000E+0`, `${k}0e-1`).map((json) => sent(json, { id: k }, k)),
  ),
);

const notAnId = fc.oneof(
  long.chain((k) =>
    fc
      .constantFrom(
        `"0${k}"`,
        `"00${k}"`,
        `"+${k}"`,
        `"-${k}"`,
        `" ${k}"`,
        `"${k} "`,
        `"${k}.0"`,
        `"${k}e0"`,
        `-${k}`,
        `${k}.5`,
        `[${k}]`,
        `["${k}"]`,
        `[[${k}]]`,
        `{"id":${k}}`,
      )
      .map((json) => sent(json, refused, k)),
  ),
  fc
    .bigInt({ min: MAX_LONG + 1n, max: MAX_LONG * 4n })
    .chain((k) => fc.constantFrom(`${k}`, `"${k}"`).map((json) => sent(json, refused, MAX_LONG))),
  fc
    .constantFrom(
      '""',
      '" "',
      '"00"',
      '"-0"',
      '"+0"',
      '" 0"',
      '"0 "',
      '"0.0"',
      '"0e0"',
      '"null"',
      '"zero"',
      '"0x1"',
      'true',
      'false',
      '[]',
      '[0]',
      '["0"]',
      '{}',
      '0.5',
      '-0.5',
      '1e400',
      '-1',
    )
    .map((json) => sent(json, refused)),
);

/** Whole numbers past 2^53 in exponent form, which a double holds exactly: docs/api.md does not say. */
const largeInExponentForm = fc
  .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 16, max: 18 }))
  .map(([digit, exponent]) => sent(`${digit}e${exponent}`, { either: true }, BigInt(digit) * 10n ** BigInt(exponent)));

const sentId = fc.oneof(noId, anId, notAnId, largeInExponentForm);

function body(id: SentId): unknown {
  return parseExactJson(id.json === undefined ? '{"name":"Spring"}' : `{"name":"Spring","id":${id.json}}`);
}

/** What a reading of the body said of its id: no id, the id, or a refusal naming `id`. */
type Read = { no: 'id' } | { id: bigint } | { refused: true };

function refusalOf(read: () => void): Read | undefined {
  try {
    read();
    return undefined;
  } catch (error) {
    if (!(error instanceof CampaignInvalid)) throw error;
    expect(error.problems.map((p) => p.field)).to.deep.equal(['id']);
    return refused;
  }
}

function created(id: SentId): Read {
  let read: Read = none;
  const refusal = refusalOf(() => {
    const given = createCampaignInput(body(id), 'alice').input.id;
    read = given === undefined ? none : { id: BigInt(given.toString()) };
  });
  return refusal ?? read;
}

/** Whether a modify of the campaign at `path` takes the body, or refuses it naming `id`. */
function modified(id: SentId, path: bigint): 'taken' | 'refused' {
  return refusalOf(() => modifyCampaignInput(body(id), CampaignId.parse(path.toString()))) ? 'refused' : 'taken';
}

/** Another campaign's id than `id`. */
const other = (id: bigint, offset: bigint) => (id + offset <= MAX_LONG ? id + offset : id - offset);

describe("An id in a campaign's body", () => {
  it('means what docs/api.md says to a create: no id for 0 and "0" and null, the id for a positive long, a refusal naming id otherwise', () => {
    fc.assert(
      fc.property(fc.oneof(noId, anId, notAnId), (id) => {
        expect(created(id), id.json).to.deep.equal(id.meaning);
      }),
      propertyParameters(RUNS),
    );
  });

  it('means the same to a modify: no id is taken at any path, an id only at its own path, anything else nowhere', () => {
    fc.assert(
      fc.property(sentId, fc.bigInt({ min: 1n, max: 1000n }), (id, offset) => {
        const read = created(id);
        const elsewhere = other(id.near, offset);
        if ('no' in read) {
          expect(modified(id, id.near), id.json).to.equal('taken');
          expect(modified(id, elsewhere), id.json).to.equal('taken');
        } else if ('id' in read) {
          expect(modified(id, read.id), `${id.json} at its own path`).to.equal('taken');
          expect(modified(id, other(read.id, offset)), `${id.json} at another path`).to.equal('refused');
        } else {
          expect(modified(id, id.near), `${id.json} at ${id.near}`).to.equal('refused');
          expect(modified(id, elsewhere), `${id.json} at ${elsewhere}`).to.equal('refused');
        }
      }),
      propertyParameters(RUNS),
    );
  });
});
