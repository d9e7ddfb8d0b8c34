import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

/** A text holding an unpaired UTF-16 surrogate somewhere: what a client's broken string or escape sends. */
const withLoneSurrogate = fc
  .tuple(
    fc.string({ maxLength: 6 }),
    fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'),
    fc.string({ maxLength: 6 }),
  )
  .map(([before, surrogate, after]) => `${before}${surrogate}${after}`);

/** Places in a create body where such a text is refused, as a key the refusal names or a value it may quote. */
const PLACES: Array<(text: string) => Record<string, unknown>> = [
  (text) => ({ name: text }),
  (text) => ({ name: 'n', zone: text }),
  (text) => ({ name: 'n', status: text }),
  (text) => ({ name: 'n', startDateStr: text }),
  (text) => ({ name: 'n', id: text }),
  (text) => ({ name: 'n', campaignSegments: [{ segment: { id: 1 }, [text]: 1 }] }),
  (text) => ({ name: 'n', campaignPasses: [{ passName: 'p', passContent: { [text]: 1 } }] }),
  (text) => ({ name: 'n', campaignChannelPriorities: [{ messageChannel: text }] }),
];

/** Every string of a JSON value, its keys included. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => [key, ...stringsIn(item)]);
}

const UNPAIRED = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('A refusal quoting what it refused', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('is well-formed text every UTF-8 decoder reads, whatever unpaired surrogate it quotes, and stores nothing (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PLACES), withLoneSurrogate, async (place, text) => {
        const before = await service.db('campaigns').count({ n: '*' }).first();
        const answer = await service.request('POST', '/api/v1/campaigns', {
          rawBody: JSON.stringify(place(text)),
          headers: { 'content-type': 'application/json' },
        });
        const label = `${JSON.stringify(place(text))}: ${answer.text}`;
        expect(answer.status, label).to.equal(400);
        expect(
          stringsIn(JSON.parse(answer.text)).filter((quoted) => UNPAIRED.test(quoted)),
          label,
        ).to.deep.equal([]);
        expect(await service.db('campaigns').count({ n: '*' }).first()).to.deep.equal(before);
      }),
      propertyParameters(120),
    );
  });
});
