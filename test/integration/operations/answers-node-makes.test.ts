import { METHODS } from 'node:http';
import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';
import { type RawAnswer, rawExchange } from '../../support/raw-http.js';
import { TestService } from '../../support/test-service.js';

function expectJsonRefusal(answer: RawAnswer, status: number, code: string): void {
  expect(answer.status).to.equal(status);
  expect(answer.headers['x-request-id']).to.match(/^[\w-]{8,}$/);
  expect(answer.headers['cache-control']).to.equal('no-store');
  expect(answer.headers['x-content-type-options']).to.equal('nosniff');
  expect(answer.headers['content-type']).to.match(/^application\/json/);
  const body = JSON.parse(answer.body);
  expect(body).to.include({ code, requestId: answer.headers['x-request-id'] });
  expect(body.message).to.be.a('string').and.not.equal('');
}

describe('Answers to requests that never reach a route', () => {
  let service: TestService;

  before(async () => {
    service = await TestService.start(SQLITE, { env: { HTTP_HEADERS_TIMEOUT_MS: '500' } });
  });
  after(() => service.stop());

  it('answers a header with a forbidden byte (DEL in Idempotency-Key) with a 400 JSON refusal', async () => {
    const answer = await rawExchange(
      service.url,
      Buffer.from(`POST /api/v1/campaigns/1/start HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\x7fb\r\n\r\n`, 'latin1'),
    );
    expectJsonRefusal(answer, 400, 'INVALID_REQUEST');
  });

  it('answers headers over the limit with a 431 JSON refusal', async () => {
    const answer = await rawExchange(
      service.url,
      `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`,
    );
    expectJsonRefusal(answer, 431, 'HEADERS_TOO_LARGE');
  });

  it('answers headers that do not arrive in time with a 408 JSON refusal', async () => {
    const answer = await rawExchange(service.url, 'GET /health/live HTTP/1.1\r\nHost: x\r\n');
    expectJsonRefusal(answer, 408, 'REQUEST_TIMEOUT');
  });

  it('answers an HTTP/1.1 request without Host with a 400 JSON refusal', async () => {
    const answer = await rawExchange(service.url, 'GET /health/live HTTP/1.1\r\nConnection: close\r\n\r\n');
    expectJsonRefusal(answer, 400, 'INVALID_REQUEST');
  });

  it('answers an Expect header it cannot meet with a 417 JSON refusal', async () => {
    const answer = await rawExchange(
      service.url,
      'GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: magic\r\nConnection: close\r\n\r\n',
    );
    expectJsonRefusal(answer, 417, 'EXPECTATION_FAILED');
  });

  for (const method of ['FOO', 'get', 'PLAY']) {
    it(`answers ${method}, a method node:http does not know, with a 501 JSON refusal as the app answers PURGE`, async () => {
      const answer = await rawExchange(service.url, `${method} /health/live HTTP/1.1\r\nHost: x\r\n\r\n`);
      expectJsonRefusal(answer, 501, 'NOT_IMPLEMENTED');
      expect(JSON.parse(answer.body).message).to.equal(`The method ${method} is not implemented`);
      expect(answer.headers).not.to.have.property('allow');
    });
  }

  for (const target of ['127.0.0.1:443', '/api/v1/campaigns/7/start', '/health/live']) {
    it(`answers CONNECT ${target}, a tunnel the server does not open, with a 501 JSON refusal`, async () => {
      const answer = await rawExchange(service.url, `CONNECT ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      expectJsonRefusal(answer, 501, 'NOT_IMPLEMENTED');
      expect(JSON.parse(answer.body).message).to.equal('The method CONNECT is not implemented');
    });
  }

  it('answers any method token node:http does not know with a 501 naming it, on any path (generated)', async () => {
    // PRI opens the HTTP/2 preface: the parser knows it and refuses the version that follows.
    const token = fc
      .stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,24}$/)
      .filter((method) => !METHODS.includes(method) && method !== 'PRI');
    const path = fc.constantFrom('/api/v1/campaigns', '/api/v1/campaigns/7/start', '/health/live', '/nope', '*');
    await fc.assert(
      fc.asyncProperty(token, path, fc.constantFrom('1.0', '1.1'), async (method, target, version) => {
        const answer = await rawExchange(service.url, `${method} ${target} HTTP/${version}\r\nHost: x\r\n\r\n`);
        expectJsonRefusal(answer, 501, 'NOT_IMPLEMENTED');
        expect(JSON.parse(answer.body).message).to.equal(`The method ${method} is not implemented`);
      }),
      propertyParameters(100),
    );
  });

  for (const line of ['NOT HTTP AT ALL', 'FOO /', 'FOO  / HTTP/1.1', 'FOO / HTTP/9.9', '\x00\x01 / HTTP/1.1']) {
    it(`answers ${JSON.stringify(line)}, which is no request line, with a 400 JSON refusal`, async () => {
      const answer = await rawExchange(service.url, Buffer.from(`${line}\r\nHost: x\r\n\r\n`, 'latin1'));
      expectJsonRefusal(answer, 400, 'INVALID_REQUEST');
    });
  }

  it('still serves HTTP/1.0 requests, which need no Host', async () => {
    const answer = await rawExchange(service.url, 'GET /health/live HTTP/1.0\r\n\r\n');
    expect(answer.status).to.equal(200);
  });
});
