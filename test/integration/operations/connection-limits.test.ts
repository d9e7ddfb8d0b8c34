import { loadConfig } from '../../../src/adapters/config/config.js';
import { DEFAULT_CONNECTION_TIMEOUTS, NODE_KEEP_ALIVE_BUFFER_MS } from '../../../src/adapters/http/server-limits.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { withLoopStalls } from '../../support/loop-stalls.js';
import { closedAfter, openSocket } from '../../support/raw-http.js';
import { TestService } from '../../support/test-service.js';

describe('Connection time limits with the default configuration', () => {
  let service: TestService;

  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('defaults to 10 s for headers and 65 s for an idle keep-alive connection', () => {
    expect(loadConfig({}).connectionTimeouts).to.deep.equal({ headersTimeoutMs: 10_000, keepAliveTimeoutMs: 65_000 });
    expect(DEFAULT_CONNECTION_TIMEOUTS).to.deep.equal({ headersTimeoutMs: 10_000, keepAliveTimeoutMs: 65_000 });
  });

  it('wires those defaults into the server: headers in 10 s, idle sockets closed 65 s after the answer', () => {
    const { server } = service.running;
    expect(server.headersTimeout).to.equal(10_000);
    expect(server.keepAliveTimeout + NODE_KEEP_ALIVE_BUFFER_MS).to.equal(65_000);
  });

  it('advertises a keep-alive timeout no longer than the one it keeps', async () => {
    const answer = await service.request('GET', '/health/live', { token: null });
    expect(answer.headers.get('keep-alive')).to.equal('timeout=64');
  });

  it('closes a connection that never sends a byte once the 10 s header limit has passed', async function () {
    this.timeout(30_000);
    const silent = await Promise.all(Array.from({ length: 20 }, () => openSocket(service.url)));
    const began = Date.now();
    const { value: closed, stalledMs } = await withLoopStalls(() =>
      Promise.all(silent.map((socket) => closedAfter(socket, began))),
    );
    for (const ms of closed) expect(ms).to.be.within(9_500, 11_500 + stalledMs);
  });
});

describe('Connection time limits set through configuration', () => {
  let service: TestService;
  const headersTimeoutMs = 600;
  const keepAliveTimeoutMs = 1_500;

  before(async () => {
    service = await TestService.start(SQLITE, {
      env: {
        HTTP_HEADERS_TIMEOUT_MS: String(headersTimeoutMs),
        HTTP_KEEP_ALIVE_TIMEOUT_MS: String(keepAliveTimeoutMs),
      },
    });
  });
  after(() => service.stop());

  it('closes every silent connection after the header limit, not later', async () => {
    const silent = await Promise.all(Array.from({ length: 50 }, () => openSocket(service.url)));
    const began = Date.now();
    const { value: closed, stalledMs } = await withLoopStalls(() =>
      Promise.all(silent.map((socket) => closedAfter(socket, began))),
    );
    for (const ms of closed) expect(ms).to.be.within(headersTimeoutMs - 100, headersTimeoutMs + 700 + stalledMs);
  });

  it('closes an idle keep-alive connection when its limit has passed since the last answer', async () => {
    const socket = await openSocket(service.url);
    let answeredAt = 0;
    const answers: string[] = [];
    socket.on('data', (chunk: Buffer) => {
      answers.push(chunk.toString());
      answeredAt = Date.now();
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const request = `GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n`;
    const { stalledMs } = await withLoopStalls(async () => {
      socket.write(request);
      await new Promise((resolve) => setTimeout(resolve, 800));
      socket.write(request);
      await closed;
    });
    const idleMs = Date.now() - answeredAt;
    expect(answers.join('')).to.match(/^HTTP\/1\.1 200[\s\S]*HTTP\/1\.1 200/);
    // node alone would keep it 1 s longer: the upper bound tells the two apart with room for a loaded machine, and
    // for a machine that stopped the process altogether (the stall then delays every timer, the service's included).
    expect(idleMs).to.be.within(keepAliveTimeoutMs - 100, keepAliveTimeoutMs + 700 + stalledMs);
  });

  it('does not cut off a connection whose request takes longer than the header limit to answer', async () => {
    const id = await service.createCampaign();
    const slowBody = JSON.stringify({ name: 'Autumn sale' });
    const socket = await openSocket(service.url);
    const chunks: string[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    socket.write(
      `POST /api/v1/campaigns/${id}/modify HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${service.defaultToken}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${slowBody.length}\r\n\r\n${slowBody.slice(0, 5)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, headersTimeoutMs + 400));
    socket.write(slowBody.slice(5));
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    expect(chunks.join('')).to.match(/^HTTP\/1\.1 200 /);
  });
});
