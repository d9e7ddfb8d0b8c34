import fc from 'fast-check';
import { createLogger } from '../../../src/composition/logger.js';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { type Answer, TestService } from '../../support/test-service.js';

const ACCEPTABLE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface GeneratedRequest {
  method: string;
  path: string;
  /** Absent: no X-Request-Id. */
  offeredId: string | undefined;
  token: 'valid' | 'none' | 'garbage' | 'read only';
  body: string | undefined;
}

/** Paths of every kind: the API's routes with good and bad ids, the operations routes, the console, nowhere. */
function paths(campaignId: string): fc.Arbitrary<string> {
  const known = fc.constantFrom(
    '/api/v1/campaigns',
    `/api/v1/campaigns/${campaignId}`,
    `/api/v1/campaigns/${campaignId}/events`,
    `/api/v1/campaigns/${campaignId}/start`,
    `/api/v1/campaigns/${campaignId}/pause`,
    `/api/v1/campaigns/${campaignId}/modify`,
    '/api/v1/campaigns/0/start',
    '/api/v1/campaigns/abc/start',
    '/api/v1/campaigns/99999999999999999999/start',
    '/api/v1/campaigns?start=-1',
    '/api/v1',
    '/health/live',
    '/health/ready',
    '/metrics',
    '/openapi.json',
    '/console/',
    '/wp-admin/setup.php',
    '/',
  );
  const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);
  return fc.oneof(
    known,
    fc.tuple(known, segment).map(([path, extra]) => `${path}/${extra}`),
  );
}

function requests(campaignId: string): fc.Arbitrary<GeneratedRequest> {
  const sane = fc.stringMatching(/^[\w.:@/+=-]{1,100}$/);
  const printable = fc.string({
    unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
    maxLength: 140,
  });
  return fc.record({
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    path: paths(campaignId),
    offeredId: fc.option(fc.oneof(sane, printable, fc.constant('x'.repeat(129))), { nil: undefined }),
    token: fc.constantFrom('valid', 'none', 'garbage', 'read only'),
    body: fc.option(fc.constantFrom('{"name":"Envelope"}', '{}', '[]', 'not json', '{"name":'), { nil: undefined }),
  });
}

describe('The request envelope (generated requests)', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  let out: LogLines;
  let campaignId: string;
  const tokens = new Map<GeneratedRequest['token'], string | null>();

  before(async () => {
    out = new LogLines();
    service = await TestService.start(SQLITE, { logger: createLogger('debug', { destination: out }) });
    campaignId = await service.createCampaign();
    tokens.set('valid', await service.token());
    tokens.set('none', null);
    tokens.set('garbage', 'not-a-token');
    tokens.set('read only', await service.token('reader', ['campaigns:read']));
  });
  after(() => service.stop());

  it('gives every answer a request id, the security headers, a JSON refusal naming that id, no media type without a body, and one log line', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(requests(campaignId), async (request) => {
        n += 1;
        // A sane offered id is made unique, so that its log line can be told apart from an earlier case's.
        const offered =
          request.offeredId !== undefined && ACCEPTABLE_REQUEST_ID.test(request.offeredId)
            ? `${request.offeredId}-${n}`
            : request.offeredId;
        const withBody = request.body !== undefined && request.method !== 'GET' && request.method !== 'HEAD';
        const headers: Record<string, string> = {};
        if (offered !== undefined) headers['x-request-id'] = offered;
        if (withBody) headers['content-type'] = 'application/json';
        const answer: Answer = await service.request(request.method, request.path, {
          token: tokens.get(request.token)!,
          headers,
          ...(withBody ? { rawBody: request.body! } : {}),
        });

        const requestId = answer.headers.get('x-request-id');
        if (offered !== undefined && ACCEPTABLE_REQUEST_ID.test(offered)) expect(requestId).to.equal(offered);
        else expect(requestId).to.match(UUID);
        expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
        expect(answer.headers.get('cache-control')).to.equal('no-store');
        expect(answer.status, answer.text).to.be.below(500);
        if (answer.text === '' && request.method !== 'HEAD') {
          expect(answer.headers.get('content-type'), `${answer.status} without a body`).to.equal(null);
        }
        if (answer.status >= 400 && request.method !== 'HEAD') {
          expect(answer.headers.get('content-type')).to.match(/^application\/json/);
          expect(answer.body.code, answer.text).to.be.a('string');
          expect(answer.body.requestId).to.equal(requestId);
        }

        const lines = out.withMessage('request').filter((line) => line.requestId === requestId);
        expect(lines, `log lines of ${requestId}`).to.have.length(1);
        expect(lines[0]).to.include({ method: request.method, status: answer.status });
        const route = lines[0]!.route as string;
        if (route !== 'unmatched') expect(route.startsWith('/'), route).to.equal(true);
        expect(route).not.to.contain(campaignId);
      }),
      propertyParameters(150),
    );
  });
});
