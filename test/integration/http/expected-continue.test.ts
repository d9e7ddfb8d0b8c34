import { once } from 'node:events';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { openSocket, parseAnswer } from '../../support/raw-http.js';
import { inDays, TestService } from '../../support/test-service.js';

/** The first answer on `socket` whole, headers and the body its Content-Length gives, and whatever came after it. */
async function nextAnswer(socket: Socket, buffered: { text: string }) {
  for (;;) {
    const end = buffered.text.indexOf('\r\n\r\n');
    if (end >= 0) {
      const head = parseAnswer(`${buffered.text.slice(0, end)}\r\n\r\n`);
      const length = Number(head.headers['content-length'] ?? 0);
      if (buffered.text.length >= end + 4 + length) {
        const answer = { ...head, body: buffered.text.slice(end + 4, end + 4 + length) };
        buffered.text = buffered.text.slice(end + 4 + length);
        return answer;
      }
    }
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    buffered.text += chunk.toString('latin1');
  }
}

/** Sends a request's head with `Expect: 100-continue`, and its body only if the service asks for it. */
async function awaitingContinue(url: string, head: string, body: string) {
  const socket = await openSocket(url);
  const buffered = { text: '' };
  const closed = once(socket, 'close').then(() => true);
  socket.on('data', () => undefined);
  socket.write(`${head}Expect: 100-continue\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`);
  const first = await nextAnswer(socket, buffered);
  if (first.status !== 100) {
    const closedSoon = await Promise.race([closed, new Promise((ok) => setTimeout(() => ok(false), 2_000))]);
    socket.destroy();
    return { first, final: first, closedSoon };
  }
  socket.write(body);
  const final = await nextAnswer(socket, buffered);
  socket.destroy();
  return { first, final, closedSoon: false };
}

describe('Expect: 100-continue: the body asked for only once the request is going to be read', function () {
  this.timeout(propertyTimeoutMs(60_000));
  let service: TestService;
  let campaignId: string;
  const body = JSON.stringify({ name: 'Awaited', startAt: inDays(1), endAt: inDays(2) });

  before(async () => {
    service = await TestService.start(SQLITE);
    campaignId = await service.createCampaign();
  });
  after(() => service.stop());

  const stored = async () => service.db('campaigns').select('id', 'version', 'name').orderBy('id');

  it('answers 100 Continue to a request it reads, then takes the body sent after it', async () => {
    const { first, final } = await awaitingContinue(
      service.url,
      `POST /api/v1/campaigns HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${service.defaultToken}\r\n` +
        'Content-Type: application/json\r\n',
      body,
    );
    expect(first.status).to.equal(100);
    expect(final.status, final.body).to.equal(200);
    expect(JSON.parse(final.body).message).to.equal('Details added successfully');
  });

  it('refuses a request it will not read with its final answer instead of 100, closing the connection, and changes nothing (generated)', async () => {
    const readOnly = await service.token('reader', ['campaigns:read']);
    const refusal = fc.constantFrom(
      { why: 'no token', status: 401, path: '/api/v1/campaigns', token: '', type: 'application/json', length: 0 },
      {
        why: 'a forged token',
        status: 401,
        path: '/api/v1/campaigns',
        token: 'forged',
        type: 'application/json',
        length: 0,
      },
      {
        why: 'no scope to write',
        status: 403,
        path: `/api/v1/campaigns/${campaignId}/modify`,
        token: readOnly,
        type: 'application/json',
        length: 0,
      },
      {
        why: 'another media type',
        status: 415,
        path: '/api/v1/campaigns',
        token: service.defaultToken,
        type: 'text/plain',
        length: 0,
      },
      {
        why: 'a body over the limit',
        status: 413,
        path: '/api/v1/campaigns',
        token: service.defaultToken,
        type: 'application/json',
        length: 2_000_000,
      },
      {
        why: 'no such route',
        status: 404,
        path: '/api/v1/campaign',
        token: service.defaultToken,
        type: 'application/json',
        length: 0,
      },
      {
        why: 'a bad id',
        status: 400,
        path: '/api/v1/campaigns/x1/modify',
        token: service.defaultToken,
        type: 'application/json',
        length: 0,
      },
    );
    await fc.assert(
      fc.asyncProperty(refusal, async ({ why, status, path, token, type, length }) => {
        const before = await stored();
        const head =
          `POST ${path} HTTP/1.1\r\nHost: x\r\n${token === '' ? '' : `Authorization: Bearer ${token}\r\n`}` +
          `Content-Type: ${type}\r\n`;
        const declared = length === 0 ? body : 'x'.repeat(length);
        const { first, closedSoon } = await awaitingContinue(service.url, head, declared);
        expect(first.status, `${why}: ${first.body}`).to.equal(status);
        expect(first.headers.connection, why).to.equal('close');
        expect(closedSoon, `${why}: the connection closed`).to.equal(true);
        expect(await stored(), why).to.deep.equal(before);
      }),
      propertyParameters(20),
    );
  });

  it('asks a request without a body for nothing: its answer comes at once', async () => {
    const { first } = await awaitingContinue(
      service.url,
      `POST /api/v1/campaigns/${campaignId}/pause HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${service.defaultToken}\r\n`,
      '',
    );
    expect(first.status).to.equal(409);
    expect(JSON.parse(first.body).code).to.equal('CAMPAIGN_NOT_PAUSABLE');
  });
});
