import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { openSocket } from '../../support/raw-http.js';
import { TestService } from '../../support/test-service.js';

/** A status line, wherever it starts: a second answer follows the first one's body on the same line. */
const STATUS_LINE = /HTTP\/1\.1 (\d{3}) /g;

/**
 * Sends `request`, then closes the sending side: at once, or once the server has begun to answer (or has not
 * within `waitMs`); reads everything the server writes until it closes.
 */
async function halfClosedExchange(url: string, request: string, waitMs = 0): Promise<string> {
  const socket = await openSocket(url);
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(request);
  if (waitMs > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      socket.once('data', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  socket.end();
  await closed;
  return Buffer.concat(chunks).toString('latin1');
}

function statuses(answers: string): number[] {
  return [...answers.matchAll(STATUS_LINE)].map((match) => Number(match[1]));
}

describe('One answer per request', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  let noScopes: string;

  before(async () => {
    service = await TestService.start(SQLITE);
    noScopes = await service.token('nobody', []);
  });
  after(() => service.stop());

  it('answers a body declared over the limit and cut short only with its 413, then closes', async () => {
    const answers = await halfClosedExchange(
      service.url,
      'POST /api/v1/campaigns HTTP/1.1\r\nHost: x\r\n' +
        `Authorization: Bearer ${service.defaultToken}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{}',
      5_000,
    );
    expect(statuses(answers), answers).to.deep.equal([413]);
  });

  it('gives a request whose body is cut short exactly one answer, whether the app answered it first or not (generated)', async () => {
    const token = fc.constantFrom<[string, string | undefined]>(
      ['valid', service.defaultToken],
      ['no scopes', noScopes],
      ['none', undefined],
    );
    const request = fc.record({
      // Answered before the body is read (404, 405, 400 for the id), or read by a route that takes a body.
      path: fc.constantFrom(
        'POST /api/v1/campaigns',
        'POST /api/v1/campaigns/7/start',
        'POST /api/v1/campaigns/007/start',
        'POST /api/v1/campaigns/7/modify',
        'PUT /api/v1/campaigns',
        'POST /nope',
      ),
      token,
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1'),
      contentEncoding: fc.constantFrom(undefined, 'gzip'),
      declared: fc.integer({ min: 1, max: 3_000_000 }),
      sentShare: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      // Cut short before the app could answer, or once it has (or has not within 50 ms: it waits for the body).
      waitMs: fc.constantFrom(0, 50),
    });
    await fc.assert(
      fc.asyncProperty(
        request,
        async ({ path, token: [, bearer], contentType, contentEncoding, declared, sentShare, waitMs }) => {
          const sent = Math.min(Math.floor(declared * sentShare), 2_000);
          const head =
            `${path} HTTP/1.1\r\nHost: x\r\n` +
            (bearer === undefined ? '' : `Authorization: Bearer ${bearer}\r\n`) +
            `Content-Type: ${contentType}\r\n` +
            (contentEncoding === undefined ? '' : `Content-Encoding: ${contentEncoding}\r\n`) +
            `Content-Length: ${declared}\r\n\r\n`;
          const answers = await halfClosedExchange(service.url, head + '{'.padEnd(sent, ' ').slice(0, sent), waitMs);
          expect(statuses(answers), `${head}(${sent} of ${declared} bytes)\n${answers}`).to.have.length(1);
        },
      ),
      propertyParameters(100),
    );
  });
});
