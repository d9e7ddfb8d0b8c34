import { METHODS } from 'node:http';
import fc from 'fast-check';
import { createLogger } from '../../../src/composition/logger.js';
import { SQLITE } from '../../support/databases.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { propertyParameters } from '../../support/property-runs.js';
import { rawExchange } from '../../support/raw-http.js';
import { TestService } from '../../support/test-service.js';

describe('Request logs', () => {
  let service: TestService;
  let out: LogLines;

  before(async () => {
    out = new LogLines();
    service = await TestService.start(SQLITE, { logger: createLogger('info', { destination: out }) });
  });
  after(() => service.stop());

  const requestLines = () => out.withMessage('request');

  it('logs one line per request: method, route pattern, status, duration and the request id', async () => {
    const id = await service.createCampaign();
    const answer = await service.request('POST', `/api/v1/campaigns/${id}/start`, {
      headers: { 'x-request-id': 'trace-start-1' },
    });
    const line = requestLines().find((l) => l.requestId === 'trace-start-1');
    expect(answer.headers.get('x-request-id')).to.equal('trace-start-1');
    expect(line).to.include({ level: 30, method: 'POST', route: '/api/v1/campaigns/:id/start', status: 200 });
    expect(line!.durationMs).to.be.a('number').and.at.least(0);
  });

  it('logs refused requests with their status and the route pattern, and unknown routes as unmatched, as the metrics do', async () => {
    await service.request('GET', '/api/v1/campaigns/12', { token: null, headers: { 'x-request-id': 'trace-401' } });
    await service.request('GET', '/wp-admin/setup.php', { headers: { 'x-request-id': 'trace-404' } });
    expect(requestLines().find((l) => l.requestId === 'trace-401')).to.include({
      route: '/api/v1/campaigns/:id',
      status: 401,
    });
    expect(requestLines().find((l) => l.requestId === 'trace-404')).to.include({ route: 'unmatched', status: 404 });
  });

  it('never logs the token, the body, the raw path or the query string', async () => {
    const token = await service.token('carol');
    await service.request('POST', '/api/v1/campaigns?secretQuery=q-123', {
      token,
      body: { name: 'body-secret-name', startAt: '2031-01-01T00:00:00Z' },
      headers: { 'x-voltmx-authorization': token },
    });
    await service.request('GET', '/api/v1/campaigns/31337031337');
    const everything = out.raw.join('\n');
    for (const secret of [token, token.split('.')[2]!, 'body-secret-name', 'secretQuery', '31337031337']) {
      expect(everything).not.to.contain(secret);
    }
  });

  it('logs probes and scrapes at debug level only', async () => {
    await service.request('GET', '/health/ready', { token: null, headers: { 'x-request-id': 'probe-1' } });
    await service.request('GET', '/metrics', { token: null, headers: { 'x-request-id': 'scrape-1' } });
    expect(requestLines().filter((l) => l.requestId === 'probe-1' || l.requestId === 'scrape-1')).to.deep.equal([]);
  });
});

describe('Request logs of the requests node:http refuses before they reach a route', () => {
  let service: TestService;
  let out: LogLines;

  before(async () => {
    out = new LogLines();
    service = await TestService.start(SQLITE, {
      env: { HTTP_HEADERS_TIMEOUT_MS: '500' },
      logger: createLogger('info', { destination: out }),
    });
  });
  after(() => service.stop());

  /**
   * Requests node:http answers itself, and the method their line shows when it is one node:http knows; their line
   * has no route, unless the app refused them before any route.
   */
  const refusedRequests: fc.Arbitrary<{ request: string; method: string | null; route?: string }> = fc.oneof(
    fc.constantFrom(
      {
        request: 'POST /api/v1/campaigns/1/start HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\x7fb\r\n\r\n',
        method: 'POST',
      },
      { request: `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`, method: 'GET' },
      // No Host: refused by the app before any route, so labelled as the metrics label it.
      { request: 'GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n', method: 'GET', route: 'unmatched' },
      // Headers that never end: answered 408 once the headers timeout passes, the bytes read no longer at hand.
      { request: 'GET /health/live HTTP/1.1\r\nHost: x\r\n', method: null },
      { request: 'NOT HTTP AT ALL\r\nHost: x\r\n\r\n', method: null },
      { request: '\x00\x01 / HTTP/1.1\r\nHost: x\r\n\r\n', method: null },
    ),
    fc
      .stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,24}$/)
      .filter((method) => !METHODS.includes(method) && method !== 'PRI')
      .map((method) => ({ request: `${method} /api/v1/campaigns HTTP/1.1\r\nHost: x\r\n\r\n`, method: null })),
  );

  it('logs each one line under the request id its answer gives, with its status and no route', async () => {
    await fc.assert(
      fc.asyncProperty(refusedRequests, async ({ request, method, route = null }) => {
        const answer = await rawExchange(service.url, Buffer.from(request, 'latin1'));
        const requestId = answer.headers['x-request-id'];
        expect(answer.status).to.be.within(400, 501);
        const linesOf = () => out.withMessage('request').filter((l) => l.requestId === requestId);
        await eventually('the refused request is logged', () => linesOf().length > 0);
        expect(linesOf()).to.have.length(1);
        expect(linesOf()[0]).to.include({ level: 30, status: answer.status, route, method });
      }),
      propertyParameters(30),
    );
  });
});
