import * as fc from 'fast-check';
import { loadConfig } from '../../src/adapters/config/config.js';
import { configProblems } from '../support/config-problems.js';
import { expect } from '../support/expect.js';
import { propertyParameters } from '../support/property-runs.js';

const RUNS = 400;

const blank = fc.constantFrom('', ' ', '  ', '\t', ' \n ');
const padded = (value: fc.Arbitrary<string>) =>
  fc.tuple(fc.constantFrom('', ' ', '\t'), value, fc.constantFrom('', ' ', '\n')).map(([a, v, b]) => `${a}${v}${b}`);

/** A word in any casing: `production`, `Production`, `PRODUCTION`, `pRoDuCtIoN`. */
const anyCasing = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

/** NODE_ENV unset, blank, production in any casing, or any other mode. */
const nodeEnv = fc.option(
  fc.oneof(
    padded(anyCasing('production')),
    padded(anyCasing('development')),
    fc.constantFrom('test', 'staging', 'prod', 'productions', 'production-eu'),
    blank,
  ),
  { nil: undefined },
);

/** HOST unset, blank (unset, as for every variable), or an address or name, perhaps with blanks around it. */
const host = fc.option(
  fc.oneof(
    padded(fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain(), fc.constantFrom('0.0.0.0', '::', '127.0.0.1', 'localhost'))),
    blank,
  ),
  { nil: undefined },
);

/** The ways to verify tokens: none (development mode, whose printed token takes every scope), a secret, a key set. */
const auth = fc.oneof(
  fc.constant({}),
  fc.record({ AUTH_JWT_SECRET: blank }),
  fc.record({ AUTH_JWKS_URL: blank }),
  fc.record({ AUTH_JWT_SECRET: fc.string({ minLength: 32, maxLength: 64 }).filter((s) => s.trim().length >= 32) }),
  fc.record({ AUTH_JWKS_URL: fc.webUrl({ validSchemes: ['https', 'http'] }) }),
);

function given(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

describe('The address the service listens on', () => {
  it('is HOST when given; otherwise 127.0.0.1 exactly in development mode, which prints a token, and every interface in production', () => {
    fc.assert(
      fc.property(nodeEnv, host, auth, (mode, address, verify) => {
        const env: Record<string, string> = {
          ...(mode === undefined ? {} : { NODE_ENV: mode }),
          ...(address === undefined ? {} : { HOST: address }),
          ...(verify as Record<string, string>),
        };
        const production = given(mode)?.toLowerCase() === 'production';
        const verifiesTokens = Object.values(verify as Record<string, string>).some((v) => given(v) !== undefined);
        if (production && !verifiesTokens) {
          // No development tokens in production: the service does not start at all.
          expect(configProblems(env), JSON.stringify(env)).to.have.length(1);
          return;
        }
        const config = loadConfig(env);
        const development = config.auth.mode === 'development';
        expect(development, JSON.stringify(env)).to.equal(!verifiesTokens);
        expect(config.production, JSON.stringify(env)).to.equal(production);
        const expected = given(address) ?? (development ? '127.0.0.1' : undefined);
        expect(config.host, JSON.stringify(env)).to.equal(expected);
      }),
      propertyParameters(RUNS),
    );
  });
});
