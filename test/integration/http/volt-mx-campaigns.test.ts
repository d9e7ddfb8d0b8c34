import { TYPES } from '../../../src/composition/types.js';
import {
  asDocumented,
  CREATE_BODIES,
  CREATE_CAMPAIGN,
  CREATE_WITH_RICH_PUSH,
  MODIFY_WITH_PLATFORM_PROPERTIES,
  MODIFY_WITH_RICH_PUSH,
} from '../../fixtures/volt-mx-bodies.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { readStrictly, VOLT_MX_CAMPAIGN, VOLT_MX_PAGE } from '../../support/strict-volt-mx-client.js';
import { TestService } from '../../support/test-service.js';

const ORIGINAL_FIELDS = Object.keys(VOLT_MX_CAMPAIGN.fields);
const LONG_MAX = '9223372036854775807';
const SERVICE_MEDIA_TYPE = 'application/vnd.campaign-service+json';

/** What reading a campaign back must show of each content item the client sent (counters aside). */
function sentContent(body: Record<string, any>) {
  const lists = [
    'campaignMessages',
    'campaignMails',
    'campaignSms',
    'campaignVoiceSms',
    'campaignPasses',
    'campaignChannelPriorities',
  ];
  return Object.fromEntries(lists.map((list) => [list, (body[list] ?? []) as Array<Record<string, unknown>>]));
}

const COUNTERS = /^(subscribers|pushesSent|pushesOpened|mailsSent|mailsOpened|smsSent|smsOpened|passSent|passOpened)$/;

/** `sent` is contained in `read`, field by field, except the delivery counters (which the senders own). */
function expectContains(read: unknown, sent: unknown, path: string): void {
  if (Array.isArray(sent)) {
    expect(read, path).to.be.an('array').with.length(sent.length);
    for (const [index, item] of sent.entries()) expectContains((read as unknown[])[index], item, `${path}[${index}]`);
  } else if (typeof sent === 'object' && sent !== null) {
    for (const [key, value] of Object.entries(sent)) {
      if (COUNTERS.test(key)) expect((read as Record<string, unknown>)[key], `${path}.${key}`).to.equal(0);
      else expectContains((read as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
  } else {
    expect(read, path).to.deep.equal(sent);
  }
}

for (const kind of DATABASE_KINDS) {
  describe(`Volt MX campaigns, whole: the original's bodies in, the original's read form out (${kind.name})`, () => {
    let service: TestService;

    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    const create = (body: unknown) => service.request('POST', '/api/v1/campaigns', { body });
    const read = (id: string, query = '') => service.request('GET', `/api/v1/campaigns/${id}${query}`);
    const modify = (id: string, body?: unknown, query = '') =>
      service.request('POST', `/api/v1/campaigns/${id}/modify${query}`, body === undefined ? {} : { body });

    const DATINGS: Array<[string, (body: Record<string, unknown>) => Record<string, unknown>]> = [
      ['with its dates to come', (body) => body],
      ['verbatim, dated 2016 as the page prints it', asDocumented],
    ];
    for (const [page, documented] of Object.entries(CREATE_BODIES))
      for (const [dating, dated] of DATINGS) {
        const body = dated(documented);
        it(`accepts the documented "${page}" body ${dating}, and reads it back in the original's form, every field typed as the original`, async () => {
          const created = await create(body);
          expect(created.status, created.text).to.equal(200);
          const got = await read(created.body.id);
          expect(got.status).to.equal(200);
          expect(got.headers.get('content-type')).to.match(/^application\/json/);
          expect(Object.keys(got.body)).to.deep.equal(ORIGINAL_FIELDS);
          readStrictly(got.body, VOLT_MX_CAMPAIGN);
          expect(got.text).to.contain(`"id":${created.body.id},`);
          expect(got.body).to.include({
            name: body.name,
            campaignType: body.campaignType ?? '',
            zone: body.zone,
            startDateStr: body.startDateStr,
            endDateStr: body.endDateStr,
            pausedDateStr: '',
            terminatedDateStr: '',
            createdBy: 'tester',
            lastModifiedBy: 'tester',
            status: 'Pending',
          });
          expect(got.body.createdDateStr).to.match(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} [AP]M UTC$/);
          expect(got.body.lastModifiedDateStr).to.equal(got.body.createdDateStr);
          const segments = (body.campaignSegments as Array<{ segment: { id: number; name?: string } }>).map(
            ({ segment }) => ({
              segment: { id: segment.id, name: segment.name ?? '' },
            }),
          );
          expect(got.body.campaignSegments).to.deep.equal(segments);
          expectContains(got.body, sentContent(body), '$');
        });
      }

    it("completes a campaign created from the original's sample dated 2016 at the schedule's next run, unstarted: its whole window has passed", async () => {
      const created = await create(asDocumented(CREATE_CAMPAIGN));
      expect(created.status, created.text).to.equal(200);
      await service.running.container.get(TYPES.RunSchedule).execute();
      const got = await read(created.body.id);
      expect(got.body).to.include({ status: 'Completed', startDateStr: '05/24/2016 04:38:51 PM' });
      const history = await service.request('GET', `/api/v1/campaigns/${created.body.id}/events`);
      expect(history.body.events[0]).to.deep.include({ type: 'CampaignCompleted' });
      expect(history.body.events[0].data).to.deep.include({ started: false });
    });

    it('lists campaigns in the original form that a strict client reads without error', async () => {
      for (const body of Object.values(CREATE_BODIES)) expect((await create(body)).status).to.equal(200);
      const page = await service.request('GET', '/api/v1/campaigns?start=0&pageSize=50');
      expect(page.status).to.equal(200);
      expect(Object.keys(page.body)).to.deep.equal(['total', 'campaigns']);
      readStrictly(page.body, VOLT_MX_PAGE);
      expect(page.body.campaigns.length).to.be.greaterThan(5);
      for (const item of page.body.campaigns) expect(Object.keys(item)).to.deep.equal(ORIGINAL_FIELDS);
    });

    it('keeps a campaign id of 2^63 − 1 and segment ids of 2^63 − 1 exact, as JSON numbers digit for digit', async () => {
      const body = {
        ...CREATE_WITH_RICH_PUSH,
        id: LONG_MAX,
        campaignSegments: [
          { segment: { id: 9223372036854775807n, name: 'Everyone' } },
          { segment: { id: '9007199254740993' } },
        ],
      };
      const created = await service.request('POST', '/api/v1/campaigns', {
        rawBody: JSON.stringify(body, (_key, value) => (typeof value === 'bigint' ? `@${value}@` : value)).replace(
          /"@(\d+)@"/g,
          '$1',
        ),
        headers: { 'content-type': 'application/json' },
      });
      expect(created.status, created.text).to.equal(200);
      expect(created.text).to.equal(`{"message":"Details added successfully","id":"${LONG_MAX}"}`);
      const got = await read(LONG_MAX);
      expect(got.text).to.match(new RegExp(`^\\{"id":${LONG_MAX},`));
      expect(got.text).to.contain(
        `"campaignSegments":[{"segment":{"id":${LONG_MAX},"name":"Everyone"}},{"segment":{"id":9007199254740993,"name":""}}]`,
      );
      readStrictly(got.body, VOLT_MX_CAMPAIGN);
      const own = await read(LONG_MAX, '?view=service');
      expect(own.body.id).to.equal(LONG_MAX);
      expect(own.body.campaignSegments.map((s: any) => s.segment.id)).to.deep.equal([LONG_MAX, '9007199254740993']);
    });

    it("answers the service's own view on ?view=service and on its media type, with the content", async () => {
      const created = await create({ ...CREATE_CAMPAIGN, description: 'Shopping week' });
      const byQuery = await read(created.body.id, '?view=service');
      expect(byQuery.headers.get('content-type')).to.match(/^application\/json/);
      expect(byQuery.body).to.include({
        id: created.body.id,
        status: 'scheduled',
        description: 'Shopping week',
        version: 1,
      });
      expect(byQuery.body.startAt).to.equal('2036-05-24T12:08:51.000Z');
      expect(byQuery.body.campaignMessages[0].application.appId).to.equal('1464041244280');
      const byMediaType = await service.request('GET', `/api/v1/campaigns/${created.body.id}`, {
        headers: { accept: SERVICE_MEDIA_TYPE },
      });
      expect(byMediaType.headers.get('content-type')).to.match(
        new RegExp(`^${SERVICE_MEDIA_TYPE.replace(/[.+]/g, '\\$&')}`),
      );
      expect(byMediaType.body).to.deep.equal(byQuery.body);
      expect(byMediaType.headers.get('vary')).to.match(/Accept/i);
      const bad = await read(created.body.id, '?view=everything');
      expect(bad.status).to.equal(400);
      expect(bad.body.errors).to.deep.equal([
        { field: 'view', message: 'must be "original" (the default) or "service"' },
      ]);
    });

    it('publishes CampaignStarted with the audience, the messages and the channel order as they were at the start', async () => {
      const created = await create(MODIFY_WITH_PLATFORM_PROPERTIES);
      expect((await service.request('POST', `/api/v1/campaigns/${created.body.id}/start`)).status).to.equal(200);
      const modified = await modify(created.body.id, { campaignMessages: [] });
      expect(modified.status).to.equal(409);
      const [started] = (await service.outboxRows()).filter(
        (r) => r.aggregate_id === created.body.id && r.event_type === 'CampaignStarted',
      );
      const payload = JSON.parse(started!.payload as string);
      expect(payload.campaignSegments).to.deep.equal([
        { id: '2', name: 'sample segment' },
        { id: '1', name: 'All Users' },
      ]);
      expect(payload.campaignMessages[0].platformSpecificProps).to.deep.equal(
        MODIFY_WITH_PLATFORM_PROPERTIES.campaignMessages[0]!.platformSpecificProps,
      );
      expect(payload.campaignMessages[0].application).to.deep.equal({
        appId: '20096-6548262167',
        applicationName: 'AppforAll',
      });
      expect(payload.campaignMails[0].content).to.equal('##First Name####Email##');
      expect(payload.campaignPasses[0].passContent).to.deep.equal(
        MODIFY_WITH_PLATFORM_PROPERTIES.campaignPasses[0]!.passContent,
      );
      expect(payload).to.include({ name: 'Validate Campaign API 2', campaignType: '' });
    });

    it('reads the zone in every documented form: bare GMT-05:00, (GMT) Casablanca, (GMT+05:30) with cities', async () => {
      const cases: Array<[string, string]> = [
        ['GMT-05:00', '2036-05-30T17:18:16.000Z'],
        ['(GMT) Casablanca', '2036-05-30T12:18:16.000Z'],
        ['(GMT+05:30) Chennai, Mumbai, New Delhi', '2036-05-30T06:48:16.000Z'],
        ['(GMT-05:00) Bogota, Lima, Quito', '2036-05-30T17:18:16.000Z'],
      ];
      for (const [zone, startAt] of cases) {
        const created = await create({ ...CREATE_WITH_RICH_PUSH, zone });
        expect(created.status, zone).to.equal(200);
        expect((await read(created.body.id, '?view=service')).body.startAt, zone).to.equal(startAt);
        expect((await read(created.body.id)).body).to.include({
          zone,
          startDateStr: CREATE_WITH_RICH_PUSH.startDateStr,
        });
      }
    });

    it('keeps a Draft as a draft that cannot start, and publishes it on a modify to Pending', async () => {
      const created = await create({ ...CREATE_CAMPAIGN, status: 'Draft' });
      expect((await read(created.body.id)).body.status).to.equal('Draft');
      expect((await service.request('POST', `/api/v1/campaigns/${created.body.id}/start`)).status).to.equal(409);
      expect((await modify(created.body.id, { status: 'Pending' })).status).to.equal(200);
      expect((await read(created.body.id)).body.status).to.equal('Pending');
    });

    it('keeps pausedDateStr once a pause happened, through a resume and a termination, until a restart', async () => {
      const created = await create({ ...CREATE_CAMPAIGN, startDateStr: undefined, endDateStr: undefined });
      const id = created.body.id as string;
      const verb = (name: string, query = '') =>
        service.request('POST', `/api/v1/campaigns/${id}/${name}${query}`, name === 'modify' ? { body: {} } : {});
      expect((await read(id)).body.pausedDateStr).to.equal('');
      for (const name of ['start', 'pause']) expect((await verb(name)).status, name).to.equal(200);
      const paused = (await read(id)).body.pausedDateStr as string;
      expect(paused).to.match(/^\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d [AP]M$/);
      for (const name of ['resume', 'terminate']) {
        expect((await verb(name)).status, name).to.equal(200);
        expect((await read(id)).body.pausedDateStr, `after ${name}`).to.equal(paused);
      }
      expect((await verb('modify', '?restart=true')).status).to.equal(200);
      expect((await read(id)).body.pausedDateStr).to.equal('');
    });

    it('takes a date given both ways when both name the same instant, and names the Volt MX field when they do not', async () => {
      const agreeing = { ...CREATE_WITH_RICH_PUSH, startAt: '2036-05-30T17:18:16Z' };
      expect((await create(agreeing)).status).to.equal(200);
      const answer = await create({ ...agreeing, startAt: '2036-05-30T17:18:17Z' });
      expect(answer.status).to.equal(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['startDateStr']);
    });

    it('changes what a later start sends, never what an earlier start sent', async () => {
      const created = await create({ ...CREATE_WITH_RICH_PUSH, campaignSegments: [{ segment: { id: 7 } }] });
      const id = created.body.id;
      const verb = async (name: string) =>
        expect((await service.request('POST', `/api/v1/campaigns/${id}/${name}`)).status, name).to.equal(200);
      await verb('start');
      await verb('pause');
      expect((await modify(id, { campaignSegments: [{ segment: { id: 8 } }] })).status).to.equal(200);
      await verb('terminate');
      expect((await modify(id, undefined, '?restart=true')).status).to.equal(200);
      await verb('start');
      const starts = (await service.outboxRows())
        .filter((r) => r.aggregate_id === id && r.event_type === 'CampaignStarted')
        .map((r) => JSON.parse(r.payload as string).campaignSegments);
      expect(starts).to.deep.equal([[{ id: '7', name: null }], [{ id: '8', name: null }]]);
    });

    describe('modify', () => {
      for (const view of ['', '?view=service']) {
        it(`takes back the whole object a client read${view === '' ? '' : ' in the service view'}, with one field changed`, async () => {
          const created = await create(CREATE_CAMPAIGN);
          const before = (await read(created.body.id)).body;
          const got = (await read(created.body.id, view)).body;
          const answer = await service.request('POST', `/api/v1/campaigns/${created.body.id}/modify`, {
            rawBody: (await read(created.body.id, view)).text.replace(JSON.stringify(got.name), '"Renamed"'),
            headers: { 'content-type': 'application/json' },
          });
          expect(answer.status, answer.text).to.equal(200);
          const after = (await read(created.body.id)).body;
          expect(after.name).to.equal('Renamed');
          expect({ ...after, name: before.name, lastModifiedDateStr: before.lastModifiedDateStr }).to.deep.equal(
            before,
          );
          expect((await read(created.body.id, '?view=service')).body.version).to.equal(2);
        });
      }

      it('refuses a read-only field sent with another value than stored, naming it', async () => {
        const created = await create(CREATE_CAMPAIGN);
        const got = (await read(created.body.id)).body;
        for (const [field, value] of [
          ['createdBy', 'mallory'],
          ['status', 'Completed'],
          ['pausedDateStr', '01/01/2037 10:00:00 AM'],
          ['id', 5],
        ] as const) {
          const answer = await modify(created.body.id, { ...got, id: undefined, [field]: value });
          expect(answer.status, field).to.equal(400);
          expect(answer.body.errors.map((e: { field: string }) => e.field)).to.deep.equal([field]);
        }
        expect((await read(created.body.id, '?view=service')).body.version).to.equal(1);
      });

      it('accepts the documented modify bodies, the bare zone and the nameless segment and application', async () => {
        const created = await create(CREATE_CAMPAIGN);
        for (const body of [MODIFY_WITH_PLATFORM_PROPERTIES, MODIFY_WITH_RICH_PUSH]) {
          const answer = await modify(created.body.id, body);
          expect(answer.status, answer.text).to.equal(200);
        }
        const got = (await read(created.body.id)).body;
        readStrictly(got, VOLT_MX_CAMPAIGN);
        expect(got).to.include({ zone: 'GMT-05:00', endDateStr: '09/05/2036 12:18:16 PM' });
        expect(got.campaignSegments).to.deep.equal([{ segment: { id: 1, name: '' } }]);
        expect(got.campaignMessages[0].application).to.deep.equal({ appId: '11898-2802150175', applicationName: '' });
        expect(got.campaignMails).to.have.length(1);
      });

      it('refuses a malformed body before any work, so the same Idempotency-Key serves the corrected request', async () => {
        const created = await create(CREATE_CAMPAIGN);
        const key = { 'idempotency-key': `fix-${created.body.id}` };
        const bad = await service.request('POST', `/api/v1/campaigns/${created.body.id}/modify`, {
          body: { name: 7, id: 1 },
          headers: key,
        });
        expect(bad.status).to.equal(400);
        expect(bad.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['name', 'id']);
        const good = await service.request('POST', `/api/v1/campaigns/${created.body.id}/modify`, {
          body: { name: 'Fixed' },
          headers: key,
        });
        expect(good.status, good.text).to.equal(200);
        expect((await read(created.body.id)).body.name).to.equal('Fixed');
      });

      it("reads a startDateStr sent without a zone in the campaign's own zone, and one sent with a zone in that zone", async () => {
        const created = await create({ ...CREATE_CAMPAIGN, zone: '(GMT+04:30) Kabul' });
        const moved = await modify(created.body.id, { startDateStr: '01/02/2031 09:00:00 AM' });
        expect(moved.status, moved.text).to.equal(200);
        expect((await read(created.body.id)).body).to.include({ startDateStr: '01/02/2031 09:00:00 AM' });
        expect((await read(created.body.id, '?view=service')).body.startAt).to.equal('2031-01-02T04:30:00.000Z');
        const rezoned = await modify(created.body.id, { startDateStr: '01/02/2031 09:00:00 AM', zone: 'GMT' });
        expect(rezoned.status, rezoned.text).to.equal(200);
        expect((await read(created.body.id, '?view=service')).body.startAt).to.equal('2031-01-02T09:00:00.000Z');
      });

      it('names the field the client sent: an endDateStr before the startDateStr is reported as endDateStr', async () => {
        const created = await create(CREATE_CAMPAIGN);
        const answer = await modify(created.body.id, {
          endDateStr: '01/01/2001 10:00:00 AM',
          zone: '(GMT) Casablanca',
        });
        expect(answer.status).to.equal(400);
        expect(answer.body.errors).to.deep.equal([{ field: 'endDateStr', message: 'must not be before startDateStr' }]);
      });

      it("takes a startDateStr that has passed, as the original does: the campaign is due, for the schedule's next run", async () => {
        const created = await create(CREATE_CAMPAIGN);
        const answer = await modify(created.body.id, {
          startDateStr: '01/01/2001 10:00:00 AM',
          zone: '(GMT) Casablanca',
        });
        expect(answer.status, answer.text).to.equal(200);
        expect((await read(created.body.id)).body).to.include({
          startDateStr: '01/01/2001 10:00:00 AM',
          status: 'Pending',
        });
        await service.running.container.get(TYPES.RunSchedule).execute();
        expect((await read(created.body.id)).body).to.include({ status: 'Running' });
      });

      it('takes the documented modify body, which says "status": "Running", on a paused campaign, and keeps it paused', async () => {
        const created = await create(CREATE_CAMPAIGN);
        const id = created.body.id;
        for (const verb of ['start', 'pause']) {
          expect((await service.request('POST', `/api/v1/campaigns/${id}/${verb}`)).status, verb).to.equal(200);
        }
        const answer = await modify(id, MODIFY_WITH_PLATFORM_PROPERTIES);
        expect(answer.status, answer.text).to.equal(200);
        expect((await read(id)).body).to.include({ name: MODIFY_WITH_PLATFORM_PROPERTIES.name, status: 'Paused' });
        for (const status of ['Pending', 'Running']) {
          const asRead = (await read(id)).text;
          const posted = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
            rawBody: asRead
              .replace('"status":"Paused"', `"status":"${status}"`)
              .replace(/"name":"[^"]*"/, `"name":"Back as ${status}"`),
            headers: { 'content-type': 'application/json' },
          });
          expect(posted.status, posted.text).to.equal(200);
          expect((await read(id)).body).to.include({ name: `Back as ${status}`, status: 'Paused' });
        }
        expect((await service.request('POST', `/api/v1/campaigns/${id}/resume`)).status).to.equal(200);
      });

      it('refuses to make a paused campaign a draft or scheduled, naming status, and changes nothing', async () => {
        const created = await create(CREATE_CAMPAIGN);
        const id = created.body.id;
        for (const verb of ['start', 'pause']) {
          expect((await service.request('POST', `/api/v1/campaigns/${id}/${verb}`)).status, verb).to.equal(200);
        }
        const before = (await read(id, '?view=service')).body;
        for (const status of ['Draft', 'draft', 'scheduled']) {
          const answer = await modify(id, { name: 'Changed', status });
          expect(answer.status, status).to.equal(400);
          expect(answer.body.errors.map((e: { field: string }) => e.field)).to.deep.equal(['status']);
        }
        expect((await read(id, '?view=service')).body).to.deep.equal(before);
      });

      it('restarts a terminated campaign with no body', async () => {
        const created = await create(CREATE_CAMPAIGN);
        for (const verb of ['start', 'terminate']) {
          expect((await service.request('POST', `/api/v1/campaigns/${created.body.id}/${verb}`)).status).to.equal(200);
        }
        const answer = await modify(created.body.id, undefined, '?restart=true');
        expect(answer.status, answer.text).to.equal(200);
        expect((await read(created.body.id)).body).to.include({ status: 'Pending', terminatedDateStr: '' });
      });
    });

    describe("the original's documented refusals: 400 VALIDATION_FAILED naming the field", () => {
      const refusals: Array<[string, Record<string, unknown>, string]> = [
        ['an end date before the start date', { endDateStr: '05/01/2036 12:00:00 AM' }, 'endDateStr'],
        ['no name', { name: undefined }, 'name'],
        ['a date not in MM/dd/yyyy hh:mm:ss aa', { startDateStr: '2036-05-24 16:38' }, 'startDateStr'],
        [
          'an email without content',
          { campaignMails: [{ subject: 'Hi', contentType: 'text.html' }] },
          'campaignMails[0].content',
        ],
        [
          'a segment without an id',
          { campaignSegments: [{ segment: { name: 'No id' } }] },
          'campaignSegments[0].segment.id',
        ],
        [
          'a push message without an application',
          { campaignMessages: [{ name: 'x', message: 'y' }] },
          'campaignMessages[0].application',
        ],
        [
          'a field the original does not have inside a message',
          { campaignSms: [{ smsMessage: 'Hi', smsBody: 'Hi' }] },
          'campaignSms[0].smsBody',
        ],
        ['a status a create cannot give', { status: 'Completed' }, 'status'],
        ['a zone of no known form', { zone: 'Kabul' }, 'zone'],
        [
          'an unknown channel',
          { campaignChannelPriorities: [{ messageChannel: 'FAX' }] },
          'campaignChannelPriorities[0].messageChannel',
        ],
        [
          'a repeat without its unit',
          { campaignSms: [{ smsMessage: 'Hi', repeatMessage: { smsMessage: 'Again', interval: 2 } }] },
          'campaignSms[0].repeatMessage.intervalUnit',
        ],
      ];
      for (const [what, change, field] of refusals) {
        it(`refuses ${what}`, async () => {
          const before = (await service.request('GET', '/api/v1/campaigns')).body.total;
          const answer = await create({ ...CREATE_CAMPAIGN, ...change });
          expect(answer.status, answer.text).to.equal(400);
          expect(answer.body.code).to.equal('VALIDATION_FAILED');
          expect(answer.body.errors.map((e: { field: string }) => e.field)).to.include(field);
          expect((await service.request('GET', '/api/v1/campaigns')).body.total).to.equal(before);
        });
      }
    });
  });
}
