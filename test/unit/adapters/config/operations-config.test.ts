import fc from 'fast-check';
import { LOG_LEVELS, loadConfig } from '../../../../src/adapters/config/config.js';
import { configProblems } from '../../../support/config-problems.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

/** A text in any letter case, with white space around it or not. */
const anyCase = (text: string) =>
  fc
    .tuple(fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }), fc.constantFrom('', ' '))
    .map(([upper, space]) => `${space}${[...text].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')}${space}`);

/** Every setting that takes one of a few words, with those words. */
const WORD_SETTINGS: Record<string, readonly string[]> = {
  SCHEDULER: ['on', 'off'],
  OUTBOX_RELAY: ['on', 'off'],
  METRICS: ['on', 'off'],
  LOG_LEVEL: LOG_LEVELS,
};

describe('Configuration for operating the service', () => {
  it('defaults to info logs, a 10 s shutdown bound, metrics on and CORS off', () => {
    const config = loadConfig({});
    expect(config).to.include({ logLevel: 'info', shutdownTimeoutMs: 10_000, metricsEnabled: true });
    expect(config.corsOrigins).to.deep.equal([]);
  });

  it('reads LOG_LEVEL in any case, SHUTDOWN_TIMEOUT_MS and METRICS=off', () => {
    const config = loadConfig({ LOG_LEVEL: 'DEBUG', SHUTDOWN_TIMEOUT_MS: '2500', METRICS: 'off' });
    expect(config).to.include({ logLevel: 'debug', shutdownTimeoutMs: 2500, metricsEnabled: false });
  });

  it('reads every setting that takes one of a few words in any letter case, and refuses any other word naming the setting and the words (generated)', () => {
    const cases = fc
      .constantFrom(...Object.keys(WORD_SETTINGS))
      .chain((name) =>
        fc
          .oneof(
            fc.constantFrom(...WORD_SETTINGS[name]!).chain(anyCase),
            fc.constantFrom('yes', 'no', 'true', '1', 'onn', 'of f', 'warning'),
          )
          .map((value) => ({ name, value })),
      );
    fc.assert(
      fc.property(cases, ({ name, value }) => {
        const word = value.trim().toLowerCase();
        const problems = configProblems({ [name]: value });
        if (WORD_SETTINGS[name]!.includes(word)) expect(problems, `${name}=${value}`).to.deep.equal([]);
        else
          expect(problems[0], `${name}=${value}`).to.equal(
            `${name} must be one of ${WORD_SETTINGS[name]!.join(', ')} (in any letter case)`,
          );
      }),
      propertyParameters(200),
    );
  });

  it('reads CORS_ORIGINS as a comma-separated list of origins', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://app.example.test, http://localhost:3000' });
    expect(config.corsOrigins).to.deep.equal(['https://app.example.test', 'http://localhost:3000']);
  });

  it('names the variable that is wrong', () => {
    expect(configProblems({ LOG_LEVEL: 'loud' })[0]).to.match(/^LOG_LEVEL /);
    expect(configProblems({ SHUTDOWN_TIMEOUT_MS: 'soon' })[0]).to.match(/^SHUTDOWN_TIMEOUT_MS /);
    expect(configProblems({ SHUTDOWN_TIMEOUT_MS: '10' })[0]).to.match(/^SHUTDOWN_TIMEOUT_MS /);
    expect(configProblems({ METRICS: 'yes' })[0]).to.match(/^METRICS /);
  });

  it('refuses a CORS origin with a path or without a scheme', () => {
    expect(configProblems({ CORS_ORIGINS: 'https://app.example.test/' })[0]).to.match(
      /^CORS_ORIGINS must be a comma-separated list of origins/,
    );
    expect(configProblems({ CORS_ORIGINS: 'app.example.test' })[0]).to.match(/^CORS_ORIGINS /);
    expect(configProblems({ CORS_ORIGINS: '*' })[0]).to.match(/^CORS_ORIGINS /);
  });
});
