import { TYPES } from '../../../src/composition/types.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { TestService } from '../../support/test-service.js';

const MINUTE = 60_000;

for (const kind of DATABASE_KINDS) {
  describe(`The campaign lifecycle verbs (${kind.name})`, () => {
    let service: TestService;
    const clock = new FixedClock(new Date());
    const later = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE).toISOString();

    before(async () => {
      service = await TestService.start(kind, { clock });
    });
    after(() => service.stop());
    beforeEach(() => clock.set(new Date()));

    const verb = (id: string, name: string, options = {}) =>
      service.request('POST', `/api/v1/campaigns/${id}/${name}`, options);
    const statusOf = async (id: string) =>
      (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status;
    const eventsOf = async (id: string) =>
      (await service.outboxRows()).filter((r) => r.aggregate_id === id).map((r) => r.event_type);

    async function running(): Promise<string> {
      const id = await service.createCampaign({ startAt: later(10), endAt: later(100) });
      await verb(id, 'start');
      return id;
    }

    it('pauses, resumes and terminates with the exact Volt MX bodies and one event each', async () => {
      const id = await running();
      expect((await verb(id, 'pause')).text).to.equal(
        `{"id":"${id}","message":"Campaign execution paused successfully. "}`,
      );
      expect(await statusOf(id)).to.equal('paused');
      expect((await verb(id, 'resume')).text).to.equal(
        `{"id":"${id}","message":"Campaign execution resumed successfully. "}`,
      );
      expect(await statusOf(id)).to.equal('running');
      expect((await verb(id, 'terminate')).text).to.equal(
        `{"id":"${id}","message":"Campaign execution stopped successfully. "}`,
      );
      expect(await statusOf(id)).to.equal('terminated');
      expect(await eventsOf(id)).to.deep.equal([
        'CampaignStarted',
        'CampaignPaused',
        'CampaignResumed',
        'CampaignTerminated',
      ]);
    });

    it('refuses a verb the state does not allow with 409, its code and the current status', async () => {
      const id = await service.createCampaign();
      const answer = await verb(id, 'pause');
      expect(answer.status).to.equal(409);
      expect(answer.body).to.include({ code: 'CAMPAIGN_NOT_PAUSABLE', status: 'scheduled', id });
      expect((await verb(id, 'resume')).body.code).to.equal('CAMPAIGN_NOT_RESUMABLE');
      expect((await verb(id, 'terminate')).body.code).to.equal('CAMPAIGN_NOT_TERMINABLE');
      expect(await eventsOf(id)).to.deep.equal([]);
    });

    it('refuses to resume a paused campaign after its end date with CAMPAIGN_EXPIRED and its status', async () => {
      const id = await running();
      await verb(id, 'pause');
      clock.advance(100 * MINUTE);
      const answer = await verb(id, 'resume');
      expect(answer.status).to.equal(409);
      expect(answer.body).to.include({ code: 'CAMPAIGN_EXPIRED', id, status: 'paused' });
      expect(answer.body.endAt).to.be.a('string');
    });

    it('needs campaigns:terminate to terminate', async () => {
      const id = await running();
      const answer = await verb(id, 'terminate', { token: await service.token('bob', ['campaigns:execute']) });
      expect(answer.status).to.equal(403);
      expect(answer.body.requiredScope).to.equal('campaigns:terminate');
    });

    it('deletes a scheduled campaign: 200, then 404, and CampaignDeleted is in the outbox', async () => {
      const id = await service.createCampaign();
      expect((await verb(id, 'delete')).text).to.equal(`{"id":"${id}","message":"Campaign deleted successfully"}`);
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).status).to.equal(404);
      expect((await verb(id, 'delete')).status).to.equal(404);
      expect(await eventsOf(id)).to.deep.equal(['CampaignDeleted']);
    });

    it('refuses to delete a running campaign with CAMPAIGN_NOT_DELETABLE', async () => {
      const id = await running();
      expect((await verb(id, 'delete')).body).to.include({ code: 'CAMPAIGN_NOT_DELETABLE', status: 'running' });
    });

    it('modifies only the fields sent and answers the Volt MX body', async () => {
      const id = await service.createCampaign({
        name: 'Before',
        description: 'keep me',
        startAt: later(10),
        endAt: later(100),
      });
      const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
        body: { name: 'After', endAt: later(200) },
      });
      expect(answer.text).to.equal(`{"message":"Details updated successfully","id":"${id}"}`);
      const got = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
      expect(got).to.include({ name: 'After', description: 'keep me', status: 'scheduled', endAt: later(200) });
      expect(await eventsOf(id)).to.deep.equal(['CampaignModified']);
    });

    it('writes every one of 40 concurrent modifies of one campaign, each answered 200 with its own event', async () => {
      const id = await service.createCampaign({ startAt: later(10) });
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, n) =>
          service.request('POST', `/api/v1/campaigns/${id}/modify`, { body: { name: `Name ${n}` } }),
        ),
      );
      expect(answers.map((a) => a.status)).to.deep.equal(Array(40).fill(200));
      expect(await eventsOf(id)).to.deep.equal(Array(40).fill('CampaignModified'));
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.version).to.equal(41);
    });

    it('validates a modify like a create, naming each bad field, and changes nothing', async () => {
      const id = await service.createCampaign({ name: 'Same' });
      const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
        body: { name: 7, startAt: 'soon', id: '5' },
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).to.have.members(['name', 'startAt', 'id']);
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.name).to.equal('Same');
    });

    it('takes an id of 0, as a number or as "0", or null in a modify as no id, as a create does', async () => {
      const id = await service.createCampaign({ name: 'Before' });
      for (const [n, none] of [0, '0', null].entries()) {
        const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
          body: { id: none, name: `After ${n}` },
        });
        expect(answer.status, `id ${JSON.stringify(none)}: ${answer.text}`).to.equal(200);
      }
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.name).to.equal('After 2');
    });

    it('answers a restart without a body of a campaign that has not ended as a modify without one: 400, nothing written', async () => {
      const draft = await service.createCampaign({ status: 'draft' });
      const scheduled = await service.createCampaign();
      const paused = await running();
      await verb(paused, 'pause');
      for (const [id, status] of [
        [draft, 'draft'],
        [scheduled, 'scheduled'],
        [paused, 'paused'],
      ] as const) {
        const before = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
        const events = await eventsOf(id);
        for (const query of ['', '?restart=true']) {
          const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify${query}`);
          expect(answer.status, `${status}${query}`).to.equal(400);
          expect(answer.body.code, `${status}${query}`).to.equal('INVALID_REQUEST');
          expect(answer.body.message, `${status}${query}`).to.match(/JSON body with the fields to change is required/);
        }
        expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body).to.deep.equal(before);
        expect(await eventsOf(id)).to.deep.equal(events);
      }
    });

    it('refuses a restart of a running campaign, with a body or without, as CAMPAIGN_NOT_RESTARTABLE', async () => {
      const id = await running();
      for (const options of [{}, { body: { name: 'Again' } }]) {
        const answer = await verb(id, 'modify?restart=true', options);
        expect(answer.status).to.equal(409);
        expect(answer.body).to.include({ code: 'CAMPAIGN_NOT_RESTARTABLE', status: 'running', id });
      }
    });

    it('refuses to modify a terminated campaign unless it is a restart', async () => {
      const id = await running();
      await verb(id, 'terminate');
      const modify = await service.request('POST', `/api/v1/campaigns/${id}/modify`, { body: { name: 'Again' } });
      expect(modify.body).to.include({ code: 'CAMPAIGN_NOT_MODIFIABLE', status: 'terminated' });
      const restart = await service.request('POST', `/api/v1/campaigns/${id}/modify?restart=true`, {
        body: { startAt: later(20), endAt: later(300) },
      });
      expect(restart.status).to.equal(200);
      expect(await statusOf(id)).to.equal('scheduled');
      expect((await eventsOf(id)).at(-1)).to.equal('CampaignRestarted');
      expect((await verb(id, 'start')).status).to.equal(200);
    });

    it('answers a repeated Idempotency-Key on pause with the first answer', async () => {
      const id = await running();
      const headers = { 'idempotency-key': `pause-${id}` };
      const first = await verb(id, 'pause', { headers });
      const again = await verb(id, 'pause', { headers });
      expect([first.status, again.status]).to.deep.equal([200, 200]);
      expect(await eventsOf(id)).to.deep.equal(['CampaignStarted', 'CampaignPaused']);
      expect((await verb(id, 'resume', { headers })).status).to.equal(422);
    });

    it('is mounted for every verb and refuses a bad id on each', async () => {
      for (const name of ['pause', 'resume', 'terminate', 'delete', 'modify']) {
        expect((await verb('0x1', name)).body.code, name).to.equal('INVALID_CAMPAIGN_ID');
      }
    });
  });

  describe(`Volt MX dates (${kind.name})`, () => {
    let service: TestService;
    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    it('accepts startDateStr and endDateStr in a zone and shows them back beside the ISO fields', async () => {
      const id = await service.createCampaign({
        startAt: undefined,
        endAt: undefined,
        startDateStr: '05/24/2031 04:38:51 PM',
        endDateStr: '06/24/2031 12:00:00 AM',
        zone: '(GMT+04:30) Kabul',
      });
      const got = (await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body;
      expect(got).to.include({
        startAt: '2031-05-24T12:08:51.000Z',
        endAt: '2031-06-23T19:30:00.000Z',
        startDateStr: '05/24/2031 04:38:51 PM',
        endDateStr: '06/24/2031 12:00:00 AM',
        zone: '(GMT+04:30) Kabul',
      });
    });

    it('reads Volt MX dates as UTC when no zone is given', async () => {
      const id = await service.createCampaign({
        startAt: undefined,
        endAt: undefined,
        startDateStr: '01/02/2032 12:30:00 PM',
      });
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.startAt).to.equal(
        '2032-01-02T12:30:00.000Z',
      );
    });

    it('names the field and the expected format when a Volt MX date is malformed', async () => {
      const answer = await service.request('POST', '/api/v1/campaigns', {
        body: { name: 'x', startDateStr: '2031-05-24 16:38', endDateStr: '13/01/2031 01:00:00 PM', zone: 'Kabul' },
      });
      expect(answer.status).to.equal(400);
      const messages = Object.fromEntries(
        answer.body.errors.map((e: { field: string; message: string }) => [e.field, e.message]),
      );
      expect(Object.keys(messages)).to.have.members(['startDateStr', 'endDateStr', 'zone']);
      expect(messages.startDateStr).to.contain('MM/dd/yyyy hh:mm:ss aa');
    });
  });

  describe(`The scheduler (${kind.name})`, () => {
    let service: TestService;
    const clock = new FixedClock(new Date());
    const later = (minutes: number) => new Date(clock.now().getTime() + minutes * MINUTE).toISOString();
    const tick = () => service.running.container.get(TYPES.RunSchedule).execute();

    before(async () => {
      service = await TestService.start(kind, { clock });
    });
    after(() => service.stop());

    it('starts a campaign when its start time comes, with trigger schedule, and completes it at its end', async () => {
      const id = await service.createCampaign({ startAt: later(5), endAt: later(10) });
      clock.advance(5 * MINUTE);
      expect((await tick()).started).to.include(id);
      const started = (await service.outboxRows()).filter((r) => r.aggregate_id === id);
      expect(JSON.parse(started[0]!.payload as string)).to.include({ trigger: 'schedule', startedBy: 'scheduler' });
      clock.advance(5 * MINUTE);
      expect((await tick()).completed).to.include(id);
      expect((await service.request('GET', `/api/v1/campaigns/${id}?view=service`)).body.status).to.equal('completed');
    });

    it('leaves a campaign restarted without a new start date pending until it is started: the date of the last run is dropped', async () => {
      const id = await service.createCampaign({ startAt: later(5), endAt: later(600) });
      await service.request('POST', `/api/v1/campaigns/${id}/start`);
      await service.request('POST', `/api/v1/campaigns/${id}/terminate`);
      clock.advance(MINUTE);
      const restart = await service.request('POST', `/api/v1/campaigns/${id}/modify?restart=true`);
      expect(restart.status, restart.text).to.equal(200);
      clock.advance(MINUTE);
      expect((await tick()).started).not.to.include(id);
      const read = await service.request('GET', `/api/v1/campaigns/${id}`);
      expect(read.body).to.include({ status: 'Pending', startDateStr: '' });
    });

    it('gives one start and one event when a manual start races the scheduler', async () => {
      const id = await service.createCampaign({ startAt: later(5), endAt: later(60) });
      clock.advance(5 * MINUTE);
      const [, manual] = await Promise.all([tick(), service.request('POST', `/api/v1/campaigns/${id}/start`)]);
      expect([200, 409]).to.include(manual.status);
      const starts = (await service.outboxRows()).filter(
        (r) => r.aggregate_id === id && r.event_type === 'CampaignStarted',
      );
      expect(starts).to.have.length(1);
    });

    it('catches up at startup on what came due while the service was down, each campaign once (one batch, side by side)', async () => {
      const before = await TestService.start(kind, { clock });
      const passed = await before.createCampaign({ startAt: later(5), endAt: later(8) });
      const second = await before.createCampaign({ startAt: later(20), endAt: later(600) });
      const first = await before.createCampaign({ startAt: later(10), endAt: later(600) });
      const future = await before.createCampaign({ startAt: later(500), endAt: later(600) });
      const database = await before.stopKeepingDatabase();
      clock.advance(60 * MINUTE);
      const after = await TestService.start(kind, {
        clock,
        database,
        env: { SCHEDULER: 'on', SCHEDULER_INTERVAL_MS: '3600000' },
      });
      try {
        const rows = await after.outboxRows();
        // A batch's campaigns change side by side: their events come in no set order among them.
        expect(rows.map((r) => `${r.event_type} ${r.aggregate_id}`).sort()).to.deep.equal(
          [`CampaignCompleted ${passed}`, `CampaignStarted ${first}`, `CampaignStarted ${second}`].sort(),
        );
        const completed = rows.find((r) => r.event_type === 'CampaignCompleted');
        expect(JSON.parse(completed!.payload as string)).to.include({ started: false });
        expect((await after.request('GET', `/api/v1/campaigns/${future}?view=service`)).body.status).to.equal(
          'scheduled',
        );
      } finally {
        await after.stop();
      }
    });
  });
}
