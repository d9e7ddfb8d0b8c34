import fc from 'fast-check';
import { ORIGINAL_STATUS } from '../../../src/adapters/http/campaign-json.js';
import { DATABASE_KINDS, POSTGRES_C_CTYPE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';
import { inDays, TestService } from '../../support/test-service.js';
import { partChoice, partInAnyCase, unicodeName } from '../../support/unicode-names.js';

const ids = (answer: { body: { campaigns: Array<{ id: string }> } }) => answer.body.campaigns.map((c) => c.id);

for (const kind of DATABASE_KINDS) {
  describe(`Finding campaigns: status, search and order (${kind.name})`, () => {
    let service: TestService;
    const list = (query: string) => service.request('GET', `/api/v1/campaigns?view=service&${query}`);

    before(async () => {
      service = await TestService.start(kind);
      await service.createCampaign({ id: '10', name: 'Spring sale', startAt: inDays(3), endAt: inDays(9) });
      await service.createCampaign({ id: '20', name: 'SUMMER sale 100%', startAt: inDays(1), endAt: inDays(9) });
      await service.createCampaign({ id: '30', name: 'Autumn_launch', status: 'draft', startAt: null, endAt: null });
      await service.createCampaign({ id: '9007199254740993', name: 'Winter', startAt: inDays(2), endAt: inDays(9) });
      await service.request('POST', '/api/v1/campaigns/20/start');
    });
    after(() => service.stop());

    it('keeps only the statuses asked for, one or several, and counts only those', async () => {
      const running = await list('status=running');
      expect(ids(running)).to.deep.equal(['20']);
      expect(running.body.total).to.equal(1);
      expect(ids(await list('status=draft,running'))).to.deep.equal(['20', '30']);
    });

    it("takes the statuses in either read form's words, in any case: the original's Pending is scheduled", async () => {
      const original = await service.request('GET', '/api/v1/campaigns?status=Pending&pageSize=100');
      expect(original.status).to.equal(200);
      expect(original.body.campaigns.map((c: { status: string }) => c.status)).to.deep.equal(['Pending', 'Pending']);
      const WORDS: Record<string, string> = ORIGINAL_STATUS;
      const spelled = fc
        .tuple(fc.constantFrom(...Object.keys(WORDS)), fc.boolean(), fc.array(fc.boolean(), { minLength: 10 }))
        .map(([status, inOriginal, capitals]) => ({
          status,
          word: [...(inOriginal ? WORDS[status]! : status)]
            .map((c, i) => (capitals[i] ? c.toUpperCase() : c.toLowerCase()))
            .join(''),
        }));
      await fc.assert(
        fc.asyncProperty(fc.array(spelled, { minLength: 1, maxLength: 4 }), async (asked) => {
          const byWords = await list(`status=${asked.map((a) => a.word).join(',')}`);
          const byService = await list(`status=${asked.map((a) => a.status).join(',')}`);
          expect(byWords.status, byWords.text).to.equal(200);
          expect(ids(byWords)).to.deep.equal(ids(byService));
          expect(byWords.body.total).to.equal(byService.body.total);
        }),
        propertyParameters(30),
      );
    });

    it('searches names case-insensitively, taking % and _ literally', async () => {
      expect(ids(await list('search=SALE'))).to.deep.equal(['10', '20']);
      expect(ids(await list(`search=${encodeURIComponent('100%')}`))).to.deep.equal(['20']);
      expect(ids(await list(`search=${encodeURIComponent('n_l')}`))).to.deep.equal(['30']);
      expect(ids(await list(`search=${encodeURIComponent('%')}`))).to.deep.equal(['20']);
      expect(ids(await list(`search=${encodeURIComponent('_')}`))).to.deep.equal(['30']);
    });

    /** A draft campaign named `name` is among those `search` finds; it is deleted after. */
    async function expectFoundBy(name: string, search: string): Promise<void> {
      const id = await service.createCampaign({ name, startAt: null, endAt: null, status: 'draft' });
      try {
        const found = await list(`search=${encodeURIComponent(search)}&status=draft&pageSize=100&sort=newest`);
        expect(found.status, found.text).to.equal(200);
        expect(ids(found), `${name} by ${search}`).to.include(id);
      } finally {
        await service.request('POST', `/api/v1/campaigns/${id}/delete`);
      }
    }

    it('ignores case in every script: any part of a name, in any mix of cases, finds it', async () => {
      /** Letters whose capital and small forms map one to one, in Latin, Greek and Cyrillic. */
      const letter = fc.constantFrom(...'aZéÉçÇñÑüÜøØαΑβΒγΓδΔжЖзЗяЯ'.split(''));
      await fc.assert(
        fc.asyncProperty(
          fc.array(letter, { minLength: 3, maxLength: 12 }),
          fc.nat(),
          fc.nat(),
          fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
          async (letters, from, length, capitals) => {
            const start = from % letters.length;
            const part = letters.slice(start, start + 1 + (length % (letters.length - start)));
            const search = part.map((c, i) => (capitals[i] ? c.toUpperCase() : c.toLowerCase())).join('');
            await expectFoundBy(`Ω ${letters.join('')}`, search);
          },
        ),
        propertyParameters(25),
      );
    });

    it("ignores case in letters from all of Unicode, those newer than the database's tables included: any part of a name in any case finds it", async () => {
      await fc.assert(
        fc.asyncProperty(unicodeName(12), partChoice, (name, choice) =>
          expectFoundBy(name, partInAnyCase(name, choice)),
        ),
        propertyParameters(25),
      );
    });

    it('finds a campaign by the name a modify gave it, and no longer by the one it had', async () => {
      const id = await service.createCampaign({ name: 'Équinoxe', startAt: null, endAt: null, status: 'draft' });
      try {
        const modified = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
          body: { name: 'ΟΔΟΣ \uA7CB' },
        });
        expect(modified.status, modified.text).to.equal(200);
        expect(ids(await list(`search=${encodeURIComponent('οδοσ \u0264')}`))).to.deep.equal([id]);
        expect(ids(await list(`search=${encodeURIComponent('équinoxe')}`))).to.deep.equal([]);
      } finally {
        await service.request('POST', `/api/v1/campaigns/${id}/delete`);
      }
    });

    it('refuses a search holding NUL or another control character, which no stored name holds', async () => {
      for (const search of ['%00', 'sale%00xyz', '%1B']) {
        const answer = await list(`search=${search}`);
        expect(answer.status, search).to.equal(400);
        expect(answer.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['search']);
      }
    });

    it('finds a campaign by its exact id, even one above 2^53', async () => {
      expect(ids(await list('search=9007199254740993'))).to.deep.equal(['9007199254740993']);
      expect(ids(await list('search=20'))).to.deep.equal(['20']);
    });

    it('combines status and search', async () => {
      expect(ids(await list('status=scheduled&search=sale'))).to.deep.equal(['10']);
    });

    it('orders by id by default, newest first, or by next start with campaigns without a start last', async () => {
      expect(ids(await list(''))).to.deep.equal(['10', '20', '30', '9007199254740993']);
      expect(ids(await list('sort=newest'))).to.deep.equal(['9007199254740993', '30', '20', '10']);
      expect(ids(await list('sort=nextStart'))).to.deep.equal(['20', '9007199254740993', '10', '30']);
    });

    it('refuses an unknown status, order or an overlong search with 400 naming each parameter', async () => {
      const answer = await list(`status=running,sleeping&sort=oldest&search=${'x'.repeat(256)}`);
      expect(answer.status).to.equal(400);
      expect(answer.body.code).to.equal('VALIDATION_FAILED');
      expect(answer.body.message).to.match(/^Invalid query: /);
      expect(answer.body.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal([
        'search',
        'sort',
        'status',
      ]);
    });
  });

  describe(`Refusing a list's bad query parameters (${kind.name})`, () => {
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind);
      await service.createCampaign({ name: 'Spring sale' });
    });
    after(() => service.stop());

    it('answers any mix of good, bad, repeated and absent parameters with 400 naming exactly the bad ones, or 200 when none is', async () => {
      const parameter = (good: string[], bad: string[]) =>
        fc.oneof(
          fc.constant({ given: [] as string[], bad: false, twice: false }),
          fc.constantFrom(...good).map((value) => ({ given: [value], bad: false, twice: false })),
          fc.constantFrom(...bad).map((value) => ({ given: [value], bad: true, twice: false })),
          fc.constantFrom(...good).map((value) => ({ given: [value, value], bad: true, twice: true })),
        );
      const query = fc.record({
        start: parameter(['0', '3'], ['-1', '', 'x', '1.5', '99999999999999999']),
        pageSize: parameter(['1', '10', '500'], ['0', '501', 'abc', '']),
        status: parameter(
          ['', 'running', 'draft%2Cpaused', 'Pending%2CRUNNING'],
          ['sleeping', 'running%2C', '%2C', 'Runnin'],
        ),
        search: parameter(['', 'sale', '100%25'], ['x'.repeat(256), 'sale%00', '%1B']),
        sort: parameter(['id', 'newest', 'nextStart'], ['oldest', 'ID', '']),
        view: parameter(['original', 'service'], ['x', 'Service', '', 'all']),
      });
      await fc.assert(
        fc.asyncProperty(query, async (parameters) => {
          const entries = Object.entries(parameters);
          const text = entries.flatMap(([name, { given }]) => given.map((value) => `${name}=${value}`)).join('&');
          const bad = entries.filter(([, { bad }]) => bad).map(([name]) => name);
          const answer = await service.request('GET', `/api/v1/campaigns?${text}`);
          if (bad.length === 0) {
            expect(answer.status, `${text}: ${answer.text}`).to.equal(200);
            return;
          }
          expect(answer.status, text).to.equal(400);
          expect(answer.body.code, text).to.equal('VALIDATION_FAILED');
          expect(answer.body.message, text).to.match(/^Invalid query: /);
          const errors: Array<{ field: string; message: string }> = answer.body.errors;
          expect(errors.map((e) => e.field).sort(), text).to.deep.equal(bad.sort());
          const twice = entries.filter(([, { twice }]) => twice).map(([name]) => name);
          for (const error of errors.filter((e) => twice.includes(e.field)))
            expect(error.message, text).to.equal('must be given once');
        }),
        propertyParameters(60),
      );
    });
  });

  describe(`A campaign's event history (${kind.name})`, () => {
    let service: TestService;
    const history = (id: string, query = '', token?: string) =>
      service.request('GET', `/api/v1/campaigns/${id}/events${query}`, token === undefined ? {} : { token });

    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    it('lists its events newest first: type, time, by whom, and waiting while no relay published them', async () => {
      const id = await service.createCampaign();
      await service.request('POST', `/api/v1/campaigns/${id}/start`, { token: await service.token('alice') });
      await service.request('POST', `/api/v1/campaigns/${id}/pause`, { token: await service.token('bob') });
      const answer = await history(id);
      expect(answer.status).to.equal(200);
      expect(answer.body.total).to.equal(2);
      expect(answer.body.events.map((e: { type: string; by: string }) => [e.type, e.by])).to.deep.equal([
        ['CampaignPaused', 'bob'],
        ['CampaignStarted', 'alice'],
      ]);
      const [paused] = answer.body.events;
      expect(paused).to.deep.include({ published: false, publishedAt: null });
      expect(paused.occurredAt).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(paused.data).to.deep.include({ campaignId: id, pausedBy: 'bob' });
      expect(paused.eventId).to.be.a('string');
    });

    it('says when an event was published', async () => {
      const id = await service.createCampaign();
      await service.request('POST', `/api/v1/campaigns/${id}/start`);
      const publishedAt = new Date('2030-01-01T00:00:00Z');
      await service.db('outbox').where('aggregate_id', id).update({ published_at: publishedAt });
      const [event] = (await history(id)).body.events;
      expect(event).to.deep.include({ published: true, publishedAt: publishedAt.toISOString() });
    });

    it('pages through the history', async () => {
      const id = await service.createCampaign();
      for (const verb of ['start', 'pause', 'resume', 'pause'])
        await service.request('POST', `/api/v1/campaigns/${id}/${verb}`);
      const page = await history(id, '?start=1&pageSize=2');
      expect(page.body.total).to.equal(4);
      expect(page.body.events.map((e: { type: string }) => e.type)).to.deep.equal([
        'CampaignResumed',
        'CampaignPaused',
      ]);
    });

    it('keeps the history of a deleted campaign, and an empty one for a campaign without events', async () => {
      const id = await service.createCampaign();
      expect((await history(id)).body).to.deep.equal({ total: 0, events: [] });
      await service.request('POST', `/api/v1/campaigns/${id}/delete`);
      expect((await history(id)).body.events.map((e: { type: string }) => e.type)).to.deep.equal(['CampaignDeleted']);
    });

    it('keeps the history of a deleted campaign under its id when a campaign is imported with that id again', async () => {
      const id = await service.createCampaign();
      await service.request('POST', `/api/v1/campaigns/${id}/delete`);
      await service.createCampaign({ id, name: 'Imported again' });
      await service.request('POST', `/api/v1/campaigns/${id}/start`);
      const types = (await history(id)).body.events.map((e: { type: string }) => e.type);
      expect(types).to.deep.equal(['CampaignStarted', 'CampaignDeleted']);
    });

    it('answers 404 for an id with neither a campaign nor events, 400 for a bad id or page, 403 without campaigns:read', async () => {
      expect((await history('123456789')).body.code).to.equal('CAMPAIGN_NOT_FOUND');
      expect((await history('12x')).body.code).to.equal('INVALID_CAMPAIGN_ID');
      expect((await history('1', '?pageSize=501')).status).to.equal(400);
      const writer = await service.token('writer', ['campaigns:write']);
      expect((await history('1', '', writer)).status).to.equal(403);
    });
  });
}

describe('Finding campaigns by name on a PostgreSQL database whose LC_CTYPE is C, where lower() folds A to Z only', () => {
  let service: TestService;
  const list = (query: string) => service.request('GET', `/api/v1/campaigns?view=service&${query}`);

  before(async () => {
    service = await TestService.start(POSTGRES_C_CTYPE);
    await service.createCampaign({ id: '10', name: 'ÉLAN vital' });
    await service.createCampaign({ id: '20', name: 'ΟΔΟΣ' });
    await service.createCampaign({ id: '30', name: 'Elan' });
  });
  after(() => service.stop());

  it('ignores case in every script as on any other database: élan finds ÉLAN, Σ finds ΟΔΟΣ', async () => {
    expect(ids(await list(`search=${encodeURIComponent('élan')}`))).to.deep.equal(['10']);
    expect(ids(await list(`search=${encodeURIComponent('ÉLAN')}`))).to.deep.equal(['10']);
    expect(ids(await list(`search=${encodeURIComponent('Σ')}`))).to.deep.equal(['20']);
    expect(ids(await list('search=ELAN'))).to.deep.equal(['30']);
  });
});
