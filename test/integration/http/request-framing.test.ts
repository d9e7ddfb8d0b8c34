import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { type RawAnswer, rawExchange } from '../../support/raw-http.js';
import { inDays, TestService } from '../../support/test-service.js';

const VERBS = ['start', 'pause', 'resume', 'terminate', 'delete', 'modify'];

/** A header name in any letter case. */
function anyCase(name: string): fc.Arbitrary<string> {
  return fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
}

function expectJsonRefusal(answer: RawAnswer, status: number, code: string, context: string): void {
  expect(answer.status, context).to.equal(status);
  expect(answer.headers['content-type'], context).to.match(/^application\/json/);
  expect(JSON.parse(answer.body), context).to.include({ code, requestId: answer.headers['x-request-id'] });
}

describe('How a request is framed and which of its fields count', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  let campaignId: string;
  const body = JSON.stringify({ name: 'Framed', startAt: inDays(1) });

  before(async () => {
    service = await TestService.start(SQLITE);
    campaignId = await service.createCampaign();
  });
  after(() => service.stop());

  /** Every row the service writes: campaigns, their versions and their events. */
  async function stored(): Promise<unknown> {
    return {
      campaigns: await service.db('campaigns').select('id', 'version', 'status', 'name').orderBy('id'),
      events: (await service.db('outbox').count({ n: '*' }).first())!.n,
    };
  }

  const paths = () =>
    fc.constantFrom('/api/v1/campaigns', ...VERBS.map((verb) => `/api/v1/campaigns/${campaignId}/${verb}`));

  it('refuses a transfer coding besides chunked with 501 naming it, on every route that reads a body, and changes nothing (generated)', async () => {
    const coding = fc.oneof(
      fc.constantFrom('gzip', 'x-gzip', 'deflate', 'compress', 'br', 'identity').chain(anyCase),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((c) => c !== 'chunked'),
    );
    const header = fc.tuple(coding, fc.boolean()).map(([c, oneLine]) => ({
      coding: c,
      lines: oneLine
        ? `Transfer-Encoding: ${c}, chunked\r\n`
        : `Transfer-Encoding: ${c}\r\nTransfer-Encoding: chunked\r\n`,
    }));
    await fc.assert(
      fc.asyncProperty(header, paths(), async ({ coding: c, lines }, path) => {
        const before = await stored();
        const answer = await rawExchange(
          service.url,
          `POST ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${service.defaultToken}\r\n` +
            `Content-Type: application/json\r\n${lines}Connection: close\r\n\r\n` +
            `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
        );
        const context = `${path} ${JSON.stringify(lines)} -> ${answer.status} ${answer.body}`;
        expectJsonRefusal(answer, 501, 'NOT_IMPLEMENTED', context);
        expect(JSON.parse(answer.body).message, context).to.contain(c);
        expect(await stored(), context).to.deep.equal(before);
      }),
      propertyParameters(40),
    );
  });

  it('refuses an HTTP/1.0 request with Transfer-Encoding with 400 and closes its connection, answering nothing after it and changing nothing (generated)', async () => {
    const header = fc
      .constantFrom('chunked', 'gzip, chunked', 'Chunked')
      .chain((coding) =>
        fc.record({ name: anyCase('transfer-encoding'), coding: fc.constant(coding), keepAlive: fc.boolean() }),
      );
    await fc.assert(
      fc.asyncProperty(header, paths(), async ({ name, coding, keepAlive }, path) => {
        const before = await stored();
        const answer = await rawExchange(
          service.url,
          `POST ${path} HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer ${service.defaultToken}\r\n` +
            `Content-Type: application/json\r\n${name}: ${coding}\r\n${keepAlive ? 'Connection: keep-alive\r\n' : ''}\r\n` +
            `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n` +
            'GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
        );
        const context = `${path} ${name}: ${coding} -> ${answer.status} ${answer.body}`;
        expectJsonRefusal(answer, 400, 'INVALID_REQUEST', context);
        expect(answer.headers.connection, context).to.equal('close');
        expect(answer.body, context).not.to.contain('HTTP/1.1');
        expect(await stored(), context).to.deep.equal(before);
      }),
      propertyParameters(30),
    );
  });

  it('still takes a chunked body', async () => {
    const answer = await rawExchange(
      service.url,
      `POST /api/v1/campaigns HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${service.defaultToken}\r\n` +
        `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`,
    );
    expect(answer.status, answer.body).to.equal(200);
  });

  it('refuses Host, Authorization, X-VoltMX-Authorization, Content-Type or Idempotency-Key given twice with 400 naming it, whatever the values, and changes nothing (generated)', async () => {
    const token = `Bearer ${service.defaultToken}`;
    const values: Record<string, string[]> = {
      host: ['x', 'y', 'localhost:1'],
      authorization: [token, 'Bearer forged', 'Basic YTpi'],
      'x-voltmx-authorization': [token, service.defaultToken, 'forged'],
      'content-type': ['application/json', 'text/plain', 'application/vnd.campaign-service+json'],
      'idempotency-key': ['k-1', 'k-2', 'order-7'],
    };
    const twice = fc.constantFrom(...Object.keys(values)).chain((name) =>
      fc.record({
        name: fc.constant(name),
        first: anyCase(name),
        second: anyCase(name),
        values: fc.tuple(fc.constantFrom(...values[name]!), fc.constantFrom(...values[name]!)),
      }),
    );
    await fc.assert(
      fc.asyncProperty(twice, paths(), async ({ name, first, second, values: [a, b] }, path) => {
        const others = Object.entries({ host: 'x', authorization: token, 'content-type': 'application/json' })
          .filter(([other]) => other !== name)
          .map(([other, value]) => `${other}: ${value}\r\n`)
          .join('');
        const before = await stored();
        const answer = await rawExchange(
          service.url,
          `POST ${path} HTTP/1.1\r\n${first}: ${a}\r\n${others}${second}: ${b}\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
        const context = `${path} ${first}: ${a} / ${second}: ${b} -> ${answer.status} ${answer.body}`;
        expectJsonRefusal(answer, 400, 'INVALID_REQUEST', context);
        expect(JSON.parse(answer.body).message.toLowerCase(), context).to.contain(name);
        expect(await stored(), context).to.deep.equal(before);
      }),
      propertyParameters(40),
    );
  });

  it('refuses a request line of another HTTP than 1.0 or 1.1 with 505, closing the connection, and changes nothing (generated)', async () => {
    const token = `Bearer ${service.defaultToken}`;
    const version = fc.constantFrom(' HTTP/2.0', ' HTTP/0.9', '');
    await fc.assert(
      fc.asyncProperty(version, paths(), fc.boolean(), async (v, path, withHost) => {
        const before = await stored();
        const answer = await rawExchange(
          service.url,
          `POST ${path}${v}\r\n${withHost ? 'Host: x\r\n' : ''}Authorization: ${token}\r\n` +
            `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        const context = `POST ${path}${v} -> ${answer.status} ${answer.body}`;
        expectJsonRefusal(answer, 505, 'HTTP_VERSION_NOT_SUPPORTED', context);
        expect(answer.headers.connection, context).to.equal('close');
        expect(await stored(), context).to.deep.equal(before);
      }),
      propertyParameters(20),
    );
  });

  it('refuses a doubled field on the operations paths too', async () => {
    const answer = await rawExchange(
      service.url,
      'GET /health/live HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n',
    );
    expectJsonRefusal(answer, 400, 'INVALID_REQUEST', answer.body);
  });
});
