import { loadConfig } from '../../../../src/adapters/config/config.js';
import { configProblems } from '../../../support/config-problems.js';
import { expect } from '../../../support/expect.js';

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
