import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import fc from 'fast-check';
import {
  type BoundedListener,
  boundedAnswers,
  MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION,
} from '../../../src/adapters/http/connection-answers.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeout } from '../../support/property-runs.js';
import { openSocket, rawExchange, rawExchangeInParts } from '../../support/raw-http.js';
import { TestService } from '../../support/test-service.js';

describe('Requests a client sends before reading the answers (pipelining)', function () {
  this.timeout(60_000);
  let service: TestService;

  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  const start = (id: string) =>
    `POST /api/v1/campaigns/${id}/start HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${service.defaultToken}\r\nContent-Length: 0\r\n\r\n`;
  const statusOf = async (id: string) =>
    (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status as string;

  it(`carries out ${MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION} of a connection at a time, refuses the next with 429 TOO_MANY_PIPELINED_REQUESTS, and none after it`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION + 8; i++) ids.push(await service.createCampaign());

    const { answers } = await rawExchangeInParts(service.url, [ids.map(start).join('')], 0);

    expect(answers.map((answer) => answer.status)).to.deep.equal([
      ...Array(MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION).fill(200),
      429,
    ]);
    const refusal = answers.at(-1)!;
    expect(refusal.headers.connection).to.equal('close');
    expect(refusal.headers['content-type']).to.match(/^application\/json/);
    expect(JSON.parse(refusal.body)).to.include({ code: 'TOO_MANY_PIPELINED_REQUESTS' });
    for (const [i, id] of ids.entries()) {
      expect(await statusOf(id), `campaign ${i}`).to.equal(
        i < MAX_REQUESTS_IN_FLIGHT_PER_CONNECTION ? 'running' : 'scheduled',
      );
    }
  });

  it('answers every request before a malformed one, in order, and then refuses it, however the bytes arrive', async function () {
    this.timeout(propertyTimeout(25, 1_000));
    const malformed = fc.constantFrom(
      { bytes: 'GARBAGE\r\n\r\n', status: 400 },
      { bytes: 'BREW /api/v1/campaigns HTTP/1.1\r\nHost: x\r\n\r\n', status: 501 },
      { bytes: `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(20_000)}\r\n\r\n`, status: 431 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        malformed,
        fc.boolean(),
        fc.constantFrom(0, 1, 5),
        async (changes, bad, splitBeforeBad, gapMs) => {
          const ids: string[] = [];
          for (let i = 0; i < changes; i++) ids.push(await service.createCampaign());
          const good = ids.map(start).join('');
          const parts = splitBeforeBad ? [good, bad.bytes] : [good + bad.bytes];

          const { answers } = await rawExchangeInParts(service.url, parts, gapMs);

          expect(answers.map((answer) => answer.status)).to.deep.equal([...ids.map(() => 200), bad.status]);
          for (const id of ids) expect(await statusOf(id)).to.equal('running');
        },
      ),
      propertyParameters(25),
    );
  });

  it('still refuses a malformed request at once when nothing of the connection waits for its answer', async () => {
    const answer = await rawExchange(service.url, 'GARBAGE\r\n\r\n');
    expect(answer.status).to.equal(400);
    expect(answer.closedAfterMs).to.be.below(2_000);
  });
});

describe('An answer the client does not read', function () {
  this.timeout(30_000);
  const READ_TIMEOUT_MS = 400;
  const LARGE = 'x'.repeat(32 * 1024 * 1024);
  let server: Server;
  let url: string;
  let answers: BoundedListener;

  before(async () => {
    answers = boundedAnswers((_request, response) => response.end(LARGE), undefined, READ_TIMEOUT_MS);
    server = createServer(answers);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    answers.stop();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('loses its connection once none of it has gone out for the read timeout, freeing what it holds', async () => {
    const serverSide = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const socket = await openSocket(url);
    socket.pause();
    const began = Date.now();
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const connection = await serverSide;
    await new Promise((resolve) => connection.once('close', resolve));
    expect(Date.now() - began)
      .to.be.at.least(READ_TIMEOUT_MS)
      .and.below(READ_TIMEOUT_MS * 6);
    socket.destroy();
  });

  it('keeps it while the client reads, in bursts with pauses shorter than the timeout, and the answer arrives whole', async () => {
    const socket = await openSocket(url);
    socket.pause();
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    // Reads for 5 ms every half read timeout, from the first moment on, five times (the answer is not whole after
    // two of them, however fast the machine reads), then reads the rest at once, however slow it reads.
    let bursts = 0;
    const burst = () => {
      socket.resume();
      if (++bursts <= 5) setTimeout(() => socket.pause(), 5);
    };
    const reader = setInterval(burst, READ_TIMEOUT_MS / 2);
    const began = Date.now();
    burst();
    await closed;
    clearInterval(reader);
    expect(received).to.be.above(LARGE.length);
    expect(Date.now() - began, 'the answer took longer than the timeout').to.be.above(READ_TIMEOUT_MS);
  });
});
