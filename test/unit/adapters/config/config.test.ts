import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevelopmentSecret } from '../../../../src/adapters/auth/development-secret.js';
import { loadConfig } from '../../../../src/adapters/config/config.js';
import { configProblems } from '../../../support/config-problems.js';
import { expect } from '../../../support/expect.js';

describe('Configuration', () => {
  it('defaults to port 8080 and an SQLite file in ./data', () => {
    const config = loadConfig({});
    expect(config.port).to.equal(8080);
    expect(config.database).to.deep.equal({
      kind: 'sqlite',
      filename: join(process.cwd(), 'data', 'campaigns.sqlite'),
    });
    expect(config.auth).to.deep.equal({ mode: 'development' });
  });

  it('selects PostgreSQL from a postgres:// DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/campaigns', DATABASE_SCHEMA: 'engagement' });
    expect(config.database).to.deep.equal({
      kind: 'postgres',
      connectionString: 'postgres://app@db:5432/campaigns',
      schema: 'engagement',
    });
  });

  it('names the variable that is wrong', () => {
    expect(configProblems({ PORT: 'eighty' })[0]).to.match(/^PORT /);
    expect(configProblems({ DATABASE_URL: 'mysql://x' })[0]).to.match(/^DATABASE_URL /);
    expect(configProblems({ BASE_PATH: 'vpns/' })[0]).to.match(/^BASE_PATH /);
    expect(configProblems({ AUTH_JWT_SECRET: 'short' })[0]).to.match(/^AUTH_JWT_SECRET /);
    expect(configProblems({ AUTH_JWKS_URL: 'not a url' })[0]).to.match(/^AUTH_JWKS_URL /);
  });

  it('refuses to run in production without a way to verify tokens, naming the variables', () => {
    expect(configProblems({ NODE_ENV: 'production' })[0]).to.match(/AUTH_JWT_SECRET or AUTH_JWKS_URL is required/);
  });

  it('refuses both a secret and a JWKS URL', () => {
    expect(
      configProblems({ AUTH_JWT_SECRET: 'x'.repeat(32), AUTH_JWKS_URL: 'https://id.example.test/jwks' })[0],
    ).to.match(/both set/);
  });
});

describe('The development secret', () => {
  it('is made once, kept with mode 600, and read back afterwards', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dev-secret-')), 'nested');
    const secret = loadOrCreateDevelopmentSecret(dir);
    expect(statSync(join(dir, 'dev-auth-secret')).mode & 0o777).to.equal(0o600);
    expect(readFileSync(join(dir, 'dev-auth-secret'), 'utf8').trim()).to.equal(secret);
    expect(loadOrCreateDevelopmentSecret(dir)).to.equal(secret);
  });
});
