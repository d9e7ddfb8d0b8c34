import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { inDays, TestService } from '../../support/test-service.js';

/** Escapes that spell no UTF-8 text: a % without two hex digits, a stray continuation byte, a cut-off sequence, an overlong form, an encoded surrogate, bytes never used in UTF-8. */
const brokenEscape = fc.constantFrom(
  '%',
  '%Z',
  '%ZZ',
  '%4',
  '%G1',
  '%80',
  '%BF',
  '%C3',
  '%E2%82',
  '%F0%9F%98',
  '%C0%AF',
  '%E0%80%AF',
  '%ED%A0%80',
  '%ED%BF%BF',
  '%F5%80%80%80',
  '%FE',
  '%FF',
);

/** Text a query may hold, percent-encoded as a client encodes it. */
const plain = fc.string({ maxLength: 8 }).map(encodeURIComponent);

describe('A query that is not percent-encoded UTF-8', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  let campaignId: string;

  before(async () => {
    service = await TestService.start(SQLITE);
    campaignId = await service.createCampaign({ name: '\uFFFD in a name', startAt: inDays(1) });
  });
  after(() => service.stop());

  /** Every row the service writes: campaigns, their versions and their events. */
  async function stored(): Promise<unknown> {
    return {
      campaigns: await service.db('campaigns').select('id', 'version', 'status', 'name').orderBy('id'),
      events: (await service.db('outbox').count({ n: '*' }).first())!.n,
    };
  }

  it('is refused with 400 naming the parameter, on every route that reads its query, and changes nothing (generated)', async () => {
    const route = fc.constantFrom(
      { method: 'GET', path: '/api/v1/campaigns', names: ['search', 'status', 'sort', 'start', 'pageSize', 'view'] },
      { method: 'GET', path: `/api/v1/campaigns/${campaignId}`, names: ['view'] },
      { method: 'GET', path: `/api/v1/campaigns/${campaignId}/events`, names: ['start', 'pageSize'] },
      { method: 'POST', path: `/api/v1/campaigns/${campaignId}/modify`, names: ['restart'] },
    );
    const request = route.chain((r) =>
      fc.record({
        route: fc.constant(r),
        name: fc.constantFrom(...r.names, 'unknown'),
        // The `-` after the broken escape keeps what follows from completing it (`%4` then `1`).
        value: fc.tuple(plain, brokenEscape, plain).map(([before, broken, after]) => `${before}${broken}-${after}`),
      }),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ route: { method, path }, name, value }) => {
        const before = await stored();
        const answer = await service.request(method, `${path}?${name}=${value}`, {
          ...(method === 'POST' ? { body: { name: 'Changed' } } : {}),
        });
        const context = `${method} ${path}?${name}=${value} -> ${answer.status} ${answer.text}`;
        expect(answer.status, context).to.equal(400);
        expect(answer.body.code, context).to.equal('VALIDATION_FAILED');
        const problem = answer.body.errors.find((e: { field: string }) => e.field === name);
        expect(problem?.message, context).to.contain('percent-encoded UTF-8');
        expect(await stored(), context).to.deep.equal(before);
      }),
      propertyParameters(60),
    );
  });

  it('names a parameter whose name is not UTF-8 as it was sent, and one without a name by the whole pair', async () => {
    const answer = await service.request('GET', '/api/v1/campaigns?se%FFarch=x');
    expect(answer.status).to.equal(400);
    expect(answer.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['se%FFarch']);
    const nameless = await service.request('GET', '/api/v1/campaigns?=%FF');
    expect(nameless.status).to.equal(400);
    expect(nameless.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['=%FF']);
  });

  it('does not find a name holding U+FFFD by bytes that are not UTF-8', async () => {
    const answer = await service.request('GET', '/api/v1/campaigns?search=%FF');
    expect(answer.status).to.equal(400);
    expect(answer.body.errors).to.have.length(1);
  });

  it('still reads any text percent-encoded as UTF-8, + as a space (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 12 }), async (text) => {
        const search = text.replace(/[\p{Cc}]/gu, 'x').replace(/[\uD800-\uDFFF]/g, 'y');
        const answer = await service.request(
          'GET',
          `/api/v1/campaigns?search=${encodeURIComponent(search).replaceAll('%20', '+')}`,
        );
        expect(answer.status, `${search} -> ${answer.text}`).to.equal(200);
      }),
      propertyParameters(40),
    );
  });
});
