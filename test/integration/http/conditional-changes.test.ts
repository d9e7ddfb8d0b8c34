import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { TestService } from '../../support/test-service.js';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const inADay = () => new Date(Date.now() + 86_400_000).toISOString();

for (const kind of DATABASE_KINDS) {
  describe(`Conditional changes: ETag and If-Match (${kind.name})`, () => {
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    const read = (id: string, headers: Record<string, string> = {}) =>
      service.request('GET', `/api/v1/campaigns/${id}`, { headers });
    const verb = (id: string, name: string, headers: Record<string, string>, body?: unknown) =>
      service.request('POST', `/api/v1/campaigns/${id}/${name}`, { headers, ...(body !== undefined ? { body } : {}) });
    const eventsOf = async (id: string) =>
      (await service.outboxRows()).filter((row) => row.aggregate_id === id).map((row) => row.event_type);

    it('gives a campaign its version as a strong ETag, the same in both read forms', async () => {
      const id = await service.createCampaign();
      const original = await read(id);
      const own = await read(id, { accept: 'application/vnd.campaign-service+json' });
      expect(original.headers.get('etag')).to.equal(`"${own.body.version}"`);
      expect(own.headers.get('etag')).to.equal(`"${own.body.version}"`);
    });

    it('makes a change whose If-Match names the version read, and refuses the next one naming it with 412, changing nothing', async () => {
      const id = await service.createCampaign();
      const etag = (await read(id)).headers.get('etag')!;
      expect((await verb(id, 'modify', { 'if-match': etag }, { name: 'First' })).status).to.equal(200);
      const newTag = (await read(id)).headers.get('etag');
      expect(newTag).to.not.equal(etag);

      const stale = await verb(id, 'modify', { 'if-match': etag }, { name: 'Second' });
      expect(stale.status).to.equal(412);
      expect(stale.body).to.include({ code: 'CAMPAIGN_CHANGED', id, version: Number(JSON.parse(newTag!)) });
      const staleStart = await verb(id, 'start', { 'if-match': etag });
      expect(staleStart.status).to.equal(412);
      expect((await read(id, { accept: 'application/vnd.campaign-service+json' })).body).to.include({
        name: 'First',
        status: 'scheduled',
      });
      expect(await eventsOf(id)).to.deep.equal(['CampaignModified']);
    });

    it('answers every change with the ETag of the version it left, so that changes chain on If-Match without a read', async () => {
      const created = await service.request('POST', '/api/v1/campaigns', {
        body: { name: 'Chained', startAt: inAnHour() },
      });
      let etag = created.headers.get('etag')!;
      expect(etag).to.equal('"1"');
      for (const [name, body] of [
        ['modify', { name: 'Chained again' }],
        ['start', undefined],
        ['pause', undefined],
        ['resume', undefined],
        ['terminate', undefined],
        ['modify', undefined],
      ] as const) {
        const answer = await verb(
          created.body.id,
          name === 'modify' && body === undefined ? 'modify?restart=true' : name,
          { 'if-match': etag },
          body,
        );
        expect(answer.status, `${name}: ${answer.text}`).to.equal(200);
        expect(answer.headers.get('etag'), name).to.equal((await read(created.body.id)).headers.get('etag'));
        expect(answer.headers.get('etag'), name).to.not.equal(etag);
        etag = answer.headers.get('etag')!;
      }
      const deleted = await verb(created.body.id, 'delete', { 'if-match': etag });
      expect(deleted.status).to.equal(200);
      expect(deleted.headers.get('etag')).to.equal(null);
    });

    it('answers a modify that changes nothing with the ETag it had, and a repeat under the same Idempotency-Key with the first ETag', async () => {
      const id = await service.createCampaign({ name: 'Same' });
      const etag = (await read(id)).headers.get('etag');
      const unchanged = await verb(id, 'modify', {}, { name: 'Same' });
      expect(unchanged.headers.get('etag')).to.equal(etag);
      const key = { 'idempotency-key': `once-${id}` };
      const first = await verb(id, 'start', key);
      await verb(id, 'pause', {});
      const again = await verb(id, 'start', key);
      expect([again.status, again.text]).to.deep.equal([first.status, first.text]);
      expect(again.headers.get('etag')).to.equal(first.headers.get('etag'));
    });

    it('takes * and any list naming the current version; a weak tag names none', async () => {
      const id = await service.createCampaign();
      const etag = (await read(id)).headers.get('etag')!;
      expect((await verb(id, 'start', { 'if-match': `W/${etag}` })).status).to.equal(412);
      expect((await verb(id, 'start', { 'if-match': `"77", ${etag}` })).status).to.equal(200);
      expect((await verb(id, 'pause', { 'if-match': '*' })).status).to.equal(200);
    });

    it('refuses an If-Match that is no list of entity tags with 400, before looking at the campaign', async () => {
      const id = await service.createCampaign();
      const version = (await read(id, { accept: 'application/vnd.campaign-service+json' })).body.version;
      const unquoted = await verb(id, 'start', { 'if-match': String(version) });
      expect(unquoted.status).to.equal(400);
      expect(unquoted.body).to.include({ code: 'INVALID_REQUEST' });
      expect(unquoted.body.message).to.match(/If-Match/);
      expect(await eventsOf(id)).to.deep.equal([]);
    });

    it('refuses a create with an If-Match naming versions with 400, creating nothing, and takes one with *', async () => {
      const named = await service.request('POST', '/api/v1/campaigns', {
        headers: { 'if-match': '"1"' },
        body: { id: '8800000000000000001', name: 'Conditional create', startAt: inAnHour(), endAt: inADay() },
      });
      expect(named.status).to.equal(400);
      expect(named.body).to.include({ code: 'INVALID_REQUEST' });
      expect((await read('8800000000000000001')).status).to.equal(404);
      const malformed = await service.request('POST', '/api/v1/campaigns', {
        headers: { 'if-match': 'abc' },
        body: { name: 'Conditional create', startAt: inAnHour(), endAt: inADay() },
      });
      expect(malformed.status).to.equal(400);
      const any = await service.request('POST', '/api/v1/campaigns', {
        headers: { 'if-match': '*' },
        body: { name: 'Conditional create', startAt: inAnHour(), endAt: inADay() },
      });
      expect(any.status).to.equal(200);
    });

    it('refuses a read whose If-None-Match is no list of entity tags with 400, giving no ETag', async () => {
      const id = await service.createCampaign();
      const answer = await read(id, { 'if-none-match': 'abc' });
      expect(answer.status).to.equal(400);
      expect(answer.body).to.include({ code: 'INVALID_REQUEST' });
      expect(answer.headers.get('etag')).to.equal(null);
    });

    it('answers a read whose If-None-Match names the version with 304 and no body, and reads again once it changed', async () => {
      const id = await service.createCampaign();
      const etag = (await read(id)).headers.get('etag')!;
      const unchanged = await read(id, { 'if-none-match': etag });
      expect(unchanged.status).to.equal(304);
      expect(unchanged.text).to.equal('');
      expect(unchanged.headers.get('etag')).to.equal(etag);
      await verb(id, 'start', {});
      expect((await read(id, { 'if-none-match': etag })).status).to.equal(200);
    });

    it('lets exactly one of many racing changes that name the same version through; the others get 412', async () => {
      const id = await service.createCampaign();
      const etag = (await read(id)).headers.get('etag')!;
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) => verb(id, 'modify', { 'if-match': etag }, { name: `Racer ${i}` })),
      );
      const statuses = answers.map((answer) => answer.status).sort();
      expect(statuses).to.deep.equal([200, ...Array(11).fill(412)]);
      expect(await eventsOf(id)).to.deep.equal(['CampaignModified']);
    });

    it('binds If-Match to the Idempotency-Key: the same key with another If-Match is another request', async () => {
      const id = await service.createCampaign();
      const etag = (await read(id)).headers.get('etag')!;
      const first = await verb(id, 'start', { 'if-match': '"999"', 'idempotency-key': `k-${id}` });
      expect(first.status).to.equal(412);
      const again = await verb(id, 'start', { 'if-match': '"999"', 'idempotency-key': `k-${id}` });
      expect(again.text).to.equal(first.text);
      const other = await verb(id, 'start', { 'if-match': etag, 'idempotency-key': `k-${id}` });
      expect(other.status).to.equal(422);
      expect(other.body).to.include({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });
  });
}
