import { readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { mintToken } from '../../../src/adapters/auth/token-minter.js';
import { createLogger } from '../../../src/composition/logger.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { TEST_SECRET, TestService } from '../../support/test-service.js';

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

function signed(claims: Record<string, unknown>, secret = TEST_SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
}

describe('The authentication gateway filter', () => {
  let service: TestService;
  let campaignId: string;

  before(async () => {
    service = await TestService.start(SQLITE, {
      env: { AUTH_ISSUER: 'https://id.example.test', AUTH_AUDIENCE: 'campaigns' },
    });
    (service as unknown as { defaultToken: string }).defaultToken = await mintToken({
      secret: TEST_SECRET,
      subject: 'tester',
      issuer: 'https://id.example.test',
      audience: 'campaigns',
    });
    campaignId = await service.createCampaign();
  });
  after(() => service.stop());

  const good = { iss: 'https://id.example.test', aud: 'campaigns', sub: 'alice', scope: 'campaigns:read' };
  const read = (options: object) => service.request('GET', `/api/v1/campaigns/${campaignId}`, options);

  async function expectUnauthorized(options: object): Promise<void> {
    const answer = await read(options);
    expect(answer.status).to.equal(401);
    expect(answer.body.code).to.equal('UNAUTHORIZED');
    expect(answer.headers.get('www-authenticate')).to.match(/^Bearer/);
  }

  it('lets a valid token through', async () => {
    const token = await signed({ ...good, exp: nowSeconds() + 60 });
    expect((await read({ token })).status).to.equal(200);
  });

  it('refuses a request without a token', () => expectUnauthorized({ token: null }));

  it('refuses a token that is not a JWT', () => expectUnauthorized({ token: 'not-a-token' }));

  it('refuses a token signed with another secret', async () => {
    await expectUnauthorized({
      token: await signed({ ...good, exp: nowSeconds() + 60 }, 'another-secret-that-is-also-long-enough-000'),
    });
  });

  it('refuses an expired token', async () => {
    await expectUnauthorized({ token: await signed({ ...good, exp: nowSeconds() - 60 }) });
  });

  it('refuses a token without an expiry', async () => {
    await expectUnauthorized({ token: await signed(good) });
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const token = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ ...good, exp: nowSeconds() + 60 })}.`;
    await expectUnauthorized({ token });
  });

  it('refuses a token from another issuer', async () => {
    await expectUnauthorized({
      token: await signed({ ...good, iss: 'https://evil.example.test', exp: nowSeconds() + 60 }),
    });
  });

  it('refuses a token for another audience', async () => {
    await expectUnauthorized({ token: await signed({ ...good, aud: 'billing', exp: nowSeconds() + 60 }) });
  });

  it('refuses a token without a subject', async () => {
    const { sub: _ignored, ...noSubject } = good;
    await expectUnauthorized({ token: await signed({ ...noSubject, exp: nowSeconds() + 60 }) });
  });

  it('accepts the token in X-VoltMX-Authorization, bare or as Bearer', async () => {
    const token = await signed({ ...good, exp: nowSeconds() + 60 });
    expect((await read({ token: null, headers: { 'x-voltmx-authorization': token } })).status).to.equal(200);
    expect((await read({ token: null, headers: { 'x-voltmx-authorization': `Bearer ${token}` } })).status).to.equal(
      200,
    );
  });

  it('answers 403 FORBIDDEN when the token lacks the scope of the route', async () => {
    const readOnly = await signed({ ...good, exp: nowSeconds() + 60 });
    const start = await service.request('POST', `/api/v1/campaigns/${campaignId}/start`, { token: readOnly });
    expect(start.status).to.equal(403);
    expect(start.body).to.include({ code: 'FORBIDDEN', requiredScope: 'campaigns:execute' });
    const create = await service.request('POST', '/api/v1/campaigns', { token: readOnly, body: { name: 'x' } });
    expect(create.status).to.equal(403);
    const writeOnly = await signed({ ...good, scope: 'campaigns:write', exp: nowSeconds() + 60 });
    expect((await read({ token: writeOnly })).status).to.equal(403);
    expect((await service.request('GET', `/api/v1/campaigns/${campaignId}?view=service`)).body.status).to.equal(
      'scheduled',
    );
  });

  it('takes scopes from scope and scp alike, each a space-separated string or an array of strings', async () => {
    for (const claims of [
      { scp: ['campaigns:read'] },
      { scp: 'campaigns:read campaigns:write' },
      { scope: ['campaigns:read'] },
      { scope: 'campaigns:write campaigns:read' },
    ]) {
      const token = await signed({ ...good, scope: undefined, ...claims, exp: nowSeconds() + 60 });
      expect((await read({ token })).status, JSON.stringify(claims)).to.equal(200);
    }
  });

  it("takes the original's roles as the scopes of what they allowed: all, running campaigns, or stopping them", async () => {
    const allowed = async (role: string) => {
      const token = await signed({ ...good, scope: role, exp: nowSeconds() + 60 });
      const id = await service.createCampaign();
      const asks = {
        read: await read({ token }),
        create: await service.request('POST', '/api/v1/campaigns', { token, body: { name: role } }),
        start: await service.request('POST', `/api/v1/campaigns/${id}/start`, { token }),
        terminate: await service.request('POST', `/api/v1/campaigns/${id}/terminate`, { token }),
      };
      return Object.entries(asks)
        .filter(([, answer]) => answer.status !== 403)
        .map(([verb]) => verb);
    };
    expect(await allowed('campaigns-all')).to.deep.equal(['read', 'create', 'start', 'terminate']);
    expect(await allowed('campaigns-execute')).to.deep.equal(['read', 'start']);
    expect(await allowed('campaigns-terminate')).to.deep.equal(['read', 'terminate']);
  });

  it('grants no scope from a claim in another form: 403, never 500', async () => {
    for (const claims of [{ scp: 42 }, { scope: { 'campaigns:read': true } }, { scp: ['campaigns:read', 7] }]) {
      const token = await signed({ ...good, scope: undefined, ...claims, exp: nowSeconds() + 60 });
      const answer = await read({ token });
      expect(answer.status, JSON.stringify(claims)).to.equal(403);
      expect(answer.body).to.include({ code: 'FORBIDDEN', requiredScope: 'campaigns:read' });
    }
  });

  it('records the token subject as who started the campaign', async () => {
    const id = await service.createCampaign();
    const token = await signed({ ...good, sub: 'operator-7', scope: 'campaigns:execute', exp: nowSeconds() + 60 });
    expect((await service.request('POST', `/api/v1/campaigns/${id}/start`, { token })).status).to.equal(200);
    const [row] = (await service.outboxRows()).filter((r) => r.aggregate_id === id);
    expect(JSON.parse(row!.payload as string).startedBy).to.equal('operator-7');
  });
});

/**
 * An identity provider's key set on a port of its own: `answer` answers each request for it, given the set as JSON;
 * `sign` signs an RS256 token for `subject` with the set's one key, for `audience` when given.
 */
async function keySetServer(answer: (keySet: string, req: IncomingMessage, res: ServerResponse) => void = serve) {
  const pair = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const keySet = JSON.stringify({ keys: [jwk] });
  const server = createServer((req, res) => answer(keySet, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    sign: (subject: string, scope: string, audience?: string) =>
      new SignJWT({ scope, ...(audience === undefined ? {} : { aud: audience }) })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject(subject)
        .setExpirationTime('5m')
        .sign(pair.privateKey),
    close: () => server.close(),
  };
}

function serve(keySet: string, _req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'application/json').end(keySet);
}

/** A service verifying tokens against a key set of its own (answered by `answer`), with its log lines kept. */
async function serviceOnKeySet(env: Record<string, string> = {}, answer = serve) {
  const keys = await keySetServer(answer);
  const out = new LogLines();
  const service = await TestService.start(SQLITE, {
    env: { AUTH_JWT_SECRET: '', AUTH_JWKS_URL: keys.url, ...env },
    logger: createLogger('info', { destination: out }),
  });
  const stop = async () => {
    await service.stop();
    keys.close();
  };
  return { keys, service, out, stop };
}

const audienceWarnings = (out: LogLines) =>
  out.lines.filter((line) => line.level === 40 && line.setting === 'AUTH_AUDIENCE');

describe('Tokens verified against a JWKS (RS256)', () => {
  let on: Awaited<ReturnType<typeof serviceOnKeySet>>;

  before(async () => {
    on = await serviceOnKeySet();
  });
  after(() => on.stop());

  it('accepts a token signed by a key of the set', async () => {
    const token = await on.keys.sign('bob', 'campaigns:write');
    const answer = await on.service.request('POST', '/api/v1/campaigns', { token, body: { name: 'From SSO' } });
    expect(answer.status).to.equal(200);
  });

  it('refuses an HS256 token, whatever secret signed it', async () => {
    const token = await signed({ sub: 'bob', scope: 'campaigns:write', exp: nowSeconds() + 60 });
    expect((await on.service.request('POST', '/api/v1/campaigns', { token, body: { name: 'x' } })).status).to.equal(
      401,
    );
  });

  it('says once at startup, naming AUTH_AUDIENCE, that without it a token the provider issued for another service is taken', async () => {
    expect(audienceWarnings(on.out)).to.have.length(1);
    const token = await on.keys.sign('bob', 'campaigns:write', 'another-service');
    const answer = await on.service.request('POST', '/api/v1/campaigns', { token, body: { name: 'Meant elsewhere' } });
    expect(answer.status).to.equal(200);
  });
});

describe('Tokens verified against a JWKS with AUTH_AUDIENCE', () => {
  let on: Awaited<ReturnType<typeof serviceOnKeySet>>;

  before(async () => {
    on = await serviceOnKeySet({ AUTH_AUDIENCE: 'campaigns' });
  });
  after(() => on.stop());

  it('takes tokens for this audience only, and has nothing to warn of', async () => {
    const create = async (audience?: string) =>
      on.service.request('POST', '/api/v1/campaigns', {
        token: await on.keys.sign('bob', 'campaigns:write', audience),
        body: { name: 'Audience checked' },
      });
    expect((await create('campaigns')).status).to.equal(200);
    expect((await create('another-service')).status).to.equal(401);
    expect((await create()).status).to.equal(401);
    expect(audienceWarnings(on.out)).to.deep.equal([]);
  });
});

describe('Tokens verified against a JWKS that cannot be fetched', () => {
  type KeySetState = 'hang up' | 'error 500' | 'not JSON' | 'no key set' | 'serving';
  let state: KeySetState = 'hang up';
  let on: Awaited<ReturnType<typeof serviceOnKeySet>>;

  before(async () => {
    on = await serviceOnKeySet({}, (keySet, req, res) => {
      if (state === 'hang up') req.socket.destroy();
      else if (state === 'error 500') res.writeHead(500).end('down');
      else if (state === 'not JSON') res.setHeader('content-type', 'text/html').end('<html>login</html>');
      else if (state === 'no key set') res.setHeader('content-type', 'application/json').end('{"keys":"none"}');
      else serve(keySet, req, res);
    });
  });
  after(() => on.stop());

  it('answers 503 with Retry-After, not 401, while the key set fails in any way, changes nothing, warns once, and verifies again once it is back', async () => {
    const token = await on.keys.sign('carol', 'campaigns:write campaigns:read');
    const create = () => on.service.request('POST', '/api/v1/campaigns', { token, body: { name: 'Via SSO' } });
    for (const failing of ['hang up', 'error 500', 'not JSON', 'no key set', 'hang up'] as const) {
      state = failing;
      const answer = await create();
      expect(answer.status, failing).to.equal(503);
      expect(answer.body.code, failing).to.equal('TOKEN_KEYS_UNAVAILABLE');
      expect(answer.headers.get('retry-after'), failing).to.equal('5');
      expect(answer.headers.get('www-authenticate'), failing).to.equal(null);
    }
    expect(await on.service.db('campaigns').count({ n: '*' }).first()).to.deep.include({ n: 0 });
    state = 'serving';
    expect((await create()).status).to.equal(200);
    const auth = on.out.lines.filter((line) => line.component === 'auth');
    expect(auth.map((line) => line.level)).to.deep.equal([40, 30]);
    expect(auth[0]!.error).to.be.a('string').and.not.equal('');
  });
});

describe('Development mode (no auth configured, NODE_ENV not production)', () => {
  it('signs tokens with a secret it keeps in the data directory, readable by its owner only', async () => {
    const service = await TestService.start(SQLITE, { env: { AUTH_JWT_SECRET: '' } });
    try {
      const path = join(service.dataDir, 'dev-auth-secret');
      expect(statSync(path).mode & 0o777).to.equal(0o600);
      expect(readFileSync(path, 'utf8').trim()).to.equal(service.running.developmentSecret);
      const token = await mintToken({ secret: readFileSync(path, 'utf8').trim(), subject: 'dev' });
      expect((await service.request('POST', '/api/v1/campaigns', { token, body: { name: 'Dev' } })).status).to.equal(
        200,
      );
      expect(
        (
          await service.request('GET', '/api/v1/campaigns', {
            token: await signed({ sub: 'x', exp: nowSeconds() + 60 }),
          })
        ).status,
      ).to.equal(401);
    } finally {
      await service.stop();
    }
  });
});
