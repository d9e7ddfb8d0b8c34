import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadOrCreateDevelopmentSecret } from '../../../../src/adapters/auth/development-secret.js';
import { loadConfig } from '../../../../src/adapters/config/config.js';
import { configProblems } from '../../../support/config-problems.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

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

  it('listens on this machine only in development mode, whose printed token takes every scope, unless HOST says otherwise', () => {
    expect(loadConfig({}).host).to.equal('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).to.equal('0.0.0.0');
    expect(loadConfig({ AUTH_JWT_SECRET: 's'.repeat(32) }).host).to.equal(undefined);
    expect(loadConfig({ AUTH_JWKS_URL: 'https://id.example.test/keys' }).host).to.equal(undefined);
  });

  it('selects PostgreSQL from a postgres:// DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db:5432/campaigns', DATABASE_SCHEMA: 'engagement' });
    expect(config.database).to.deep.equal({
      kind: 'postgres',
      connectionString: 'postgres://app@db:5432/campaigns',
      schema: 'engagement',
    });
  });

  it('refuses an in-memory SQLite database in every spelling, since it keeps nothing acknowledged', () => {
    for (const url of [
      'sqlite::memory:',
      'sqlite://:memory:',
      'file::memory:',
      'file::memory:?cache=shared',
      'sqlite:x.db?mode=memory',
      'file:x?cache=shared&mode=memory',
    ])
      expect(configProblems({ DATABASE_URL: url })[0], url).to.match(
        /^DATABASE_URL names an in-memory SQLite database/,
      );
    for (const url of ['sqlite:memory.sqlite', 'sqlite:./data/:memory', 'sqlite:mode=memory.db'])
      expect(configProblems({ DATABASE_URL: url }), url).to.deep.equal([]);
  });

  it('refuses every URL of an in-memory SQLite database and takes every file, whatever its spelling (generated)', () => {
    const scheme = fc.constantFrom('sqlite:', 'sqlite://', 'file:', 'file://');
    const name = fc.stringMatching(/^[a-z0-9_./-]{1,12}$/).filter((path) => !path.startsWith(':memory:'));
    const parameter = fc.constantFrom('cache=shared', 'cache=private', 'vfs=unix', 'immutable=0');
    const parameters = (extra: string[]) =>
      fc
        .array(parameter, { maxLength: 3 })
        .chain((others) => fc.shuffledSubarray([...others, ...extra], { minLength: others.length + extra.length }));
    const query = (extra: string[]) => parameters(extra).map((list) => (list.length === 0 ? '' : `?${list.join('&')}`));
    const inMemory = fc.oneof(
      fc.tuple(scheme, query([])).map(([s, q]) => `${s}:memory:${q}`),
      fc.tuple(scheme, name, query(['mode=memory'])).map(([s, n, q]) => `${s}${n}${q}`),
    );
    const onDisk = fc.tuple(scheme, name, query([])).map(([s, n, q]) => `${s}${n}${q}`);
    fc.assert(
      fc.property(inMemory, onDisk, (memoryUrl, fileUrl) => {
        expect(configProblems({ DATABASE_URL: memoryUrl })[0], memoryUrl).to.match(
          /^DATABASE_URL names an in-memory SQLite database/,
        );
        expect(configProblems({ DATABASE_URL: fileUrl }), fileUrl).to.deep.equal([]);
      }),
      propertyParameters(300),
    );
  });

  it('names the variable that is wrong', () => {
    expect(configProblems({ PORT: 'eighty' })[0]).to.match(/^PORT /);
    expect(configProblems({ DATABASE_URL: 'mysql://x' })[0]).to.match(/^DATABASE_URL /);
    expect(configProblems({ BASE_PATH: 'vpns/' })[0]).to.match(/^BASE_PATH /);
    expect(configProblems({ AUTH_JWT_SECRET: 'short' })[0]).to.match(/^AUTH_JWT_SECRET /);
    expect(configProblems({ AUTH_JWKS_URL: 'not a url' })[0]).to.match(/^AUTH_JWKS_URL /);
  });

  it('takes a JWKS URL only over http or https, where a key set can be read', () => {
    for (const url of ['mailto:keys@example.test', 'ftp://id.example.test/jwks', 'file:///etc/jwks.json'])
      expect(configProblems({ AUTH_JWKS_URL: url })[0], url).to.match(/^AUTH_JWKS_URL must be an http/);
    for (const url of ['https://id.example.test/jwks', 'http://127.0.0.1:9000/jwks'])
      expect(loadConfig({ AUTH_JWKS_URL: url }).auth, url).to.deep.equal({ mode: 'jwks', jwksUrl: new URL(url) });
  });

  it('refuses to run in production without a way to verify tokens, naming the variables, however production is written (generated)', () => {
    const written = fc
      .tuple(fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }), fc.constantFrom('', ' ', '\t'))
      .map(
        ([upper, pad]) => `${pad}${[...'production'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')}${pad}`,
      );
    fc.assert(
      fc.property(written, (production) => {
        expect(configProblems({ NODE_ENV: production })[0], production).to.match(
          /AUTH_JWT_SECRET or AUTH_JWKS_URL is required/,
        );
      }),
      propertyParameters(100),
    );
    expect(loadConfig({ NODE_ENV: 'Production', AUTH_JWT_SECRET: 'x'.repeat(32) }).production).to.equal(true);
    expect(loadConfig({ NODE_ENV: 'staging' }).production).to.equal(false);
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

  it('is refused, never signed with, when its file holds fewer than 32 bytes (emptied, cut short), and taken otherwise', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom('', '\n', '  \n'), (kept, around) => {
        const dir = mkdtempSync(join(tmpdir(), 'dev-secret-'));
        writeFileSync(join(dir, 'dev-auth-secret'), `${around}${kept}${around}`);
        const secret = kept.trim();
        if (Buffer.byteLength(secret) >= 32) expect(loadOrCreateDevelopmentSecret(dir)).to.equal(secret);
        else expect(() => loadOrCreateDevelopmentSecret(dir)).to.throw(/dev-auth-secret holds \d+ bytes.*delete it/);
      }),
      propertyParameters(100),
    );
  });
});
