import { connect } from 'node:net';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { TestService } from '../../support/test-service.js';

describe('HTTP hardening', () => {
  let service: TestService;

  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('sends nosniff and no-store on every answer, and no framework banner', async () => {
    const id = await service.createCampaign();
    const answers = await Promise.all([
      service.request('GET', `/api/v1/campaigns/${id}`),
      service.request('GET', `/api/v1/campaigns/${id}`, { token: null }),
      service.request('GET', '/nowhere'),
      service.request('GET', '/health/live', { token: null }),
      service.request('GET', '/metrics', { token: null }),
    ]);
    for (const answer of answers) {
      expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(answer.headers.get('cache-control')).to.equal('no-store');
      expect(answer.headers.get('x-powered-by')).to.equal(null);
      expect(answer.headers.get('server')).to.equal(null);
    }
  });

  it('answers no CORS headers when CORS_ORIGINS is not set, not even to a preflight', async () => {
    const preflight = await service.request('OPTIONS', '/api/v1/campaigns', {
      token: null,
      headers: { origin: 'https://app.example.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).to.equal(null);
    const read = await service.request('GET', '/api/v1/campaigns', { headers: { origin: 'https://app.example.test' } });
    expect(read.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('refuses request headers over 16 KiB with 431 before they reach the app', async () => {
    const answer = await service.request('GET', '/health/live', {
      token: null,
      headers: { 'x-padding': 'x'.repeat(17 * 1024) },
    });
    expect(answer.status).to.equal(431);
    expect(answer.body.code).to.equal('HEADERS_TOO_LARGE');
  });

  it('answers a request that is not HTTP with a 400 JSON error', async () => {
    const { port } = new URL(service.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).to.match(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).to.deep.include({ code: 'INVALID_REQUEST' });
  });
});

describe('CORS with CORS_ORIGINS set', () => {
  let service: TestService;
  const origin = 'https://app.example.test';

  before(async () => {
    service = await TestService.start(SQLITE, { env: { CORS_ORIGINS: `${origin},http://localhost:3000` } });
  });
  after(() => service.stop());

  it('answers the preflight of a listed origin with 204, the methods and the headers, before authentication', async () => {
    const answer = await service.request('OPTIONS', '/api/v1/campaigns/42/start', {
      token: null,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,idempotency-key',
      },
    });
    expect(answer.status).to.equal(204);
    expect(answer.headers.get('access-control-allow-origin')).to.equal(origin);
    expect(answer.headers.get('access-control-allow-methods')).to.equal('GET, POST');
    expect(answer.headers.get('access-control-allow-headers')).to.contain('Idempotency-Key');
    expect(answer.headers.get('access-control-allow-headers')).to.contain('If-Match');
    expect(answer.headers.get('vary')).to.contain('Origin');
  });

  it("lets a listed origin read answers, the request id and a campaign's ETag", async () => {
    const answer = await service.request('GET', '/api/v1/campaigns', { headers: { origin } });
    expect(answer.status).to.equal(200);
    expect(answer.headers.get('access-control-allow-origin')).to.equal(origin);
    expect(answer.headers.get('access-control-expose-headers')).to.contain('X-Request-Id');
    expect(answer.headers.get('access-control-expose-headers')).to.contain('ETag');
  });

  it('gives any other origin no CORS headers, for a preflight or a request', async () => {
    const headers = { origin: 'https://evil.example.test', 'access-control-request-method': 'POST' };
    const preflight = await service.request('OPTIONS', '/api/v1/campaigns', { token: null, headers });
    expect(preflight.status).not.to.equal(204);
    expect(preflight.headers.get('access-control-allow-origin')).to.equal(null);
    const read = await service.request('GET', '/api/v1/campaigns', {
      headers: { origin: 'https://evil.example.test' },
    });
    expect(read.headers.get('access-control-allow-origin')).to.equal(null);
    expect(read.headers.get('vary')).to.contain('Origin');
  });
});
