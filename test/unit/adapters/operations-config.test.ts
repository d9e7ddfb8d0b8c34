import { ConfigError, loadConfig } from '../../../src/adapters/config/config.js';
import { expect } from '../../support/expect.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

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
    expect(problemsOf({ LOG_LEVEL: 'loud' })[0]).to.match(/^LOG_LEVEL /);
    expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: 'soon' })[0]).to.match(/^SHUTDOWN_TIMEOUT_MS /);
    expect(problemsOf({ SHUTDOWN_TIMEOUT_MS: '10' })[0]).to.match(/^SHUTDOWN_TIMEOUT_MS /);
    expect(problemsOf({ METRICS: 'yes' })[0]).to.match(/^METRICS /);
  });

  it('refuses a CORS origin with a path or without a scheme', () => {
    expect(problemsOf({ CORS_ORIGINS: 'https://app.example.test/' })[0]).to.match(/^CORS_ORIGINS must be a comma-separated list of origins/);
    expect(problemsOf({ CORS_ORIGINS: 'app.example.test' })[0]).to.match(/^CORS_ORIGINS /);
    expect(problemsOf({ CORS_ORIGINS: '*' })[0]).to.match(/^CORS_ORIGINS /);
  });
});
