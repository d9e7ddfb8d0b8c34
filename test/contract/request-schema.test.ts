import fc from 'fast-check';
import { loadOpenApiDocument } from '../../src/adapters/http/openapi-document.js';
import { SQLITE } from '../support/databases.js';
import { expect } from '../support/expect.js';
import { OpenApiContract } from '../support/openapi-contract.js';
import { propertyParameters, propertyTimeoutMs } from '../support/property-runs.js';
import { TestService } from '../support/test-service.js';

const contract = new OpenApiContract(loadOpenApiDocument());
const NEW_CAMPAIGN = { $ref: '#/components/schemas/NewCampaign' };
const CAMPAIGN_CHANGES = { $ref: '#/components/schemas/CampaignChanges' };

/** The verbs that bring a new campaign to each state a modify (or a restart) takes, and the modify's query. */
const STATES = {
  draft: { create: { status: 'Draft' }, verbs: [], query: '' },
  scheduled: { create: {}, verbs: [], query: '' },
  paused: { create: {}, verbs: ['start', 'pause'], query: '' },
  terminated: { create: {}, verbs: ['start', 'terminate'], query: '?restart=true' },
} as const;

/** Stands in a body for an integer a double cannot hold, written digit for digit in the JSON text. */
const BEYOND_2_53 = 'beyond 2^53';
const BEYOND_2_53_DIGITS = '9007199254740993';

type Kind = 'text' | 'appId' | 'zone' | 'channel' | 'interval' | 'counter' | 'status' | 'voltMxDate' | 'instant' | 'id';

/** A field of a create body, where it sits and what kind of value it takes. */
interface Slot {
  field: string;
  kind: Kind;
  body(value: unknown): Record<string, unknown>;
}

const repeat = { interval: 1, intervalUnit: 'Days' };
const slot = (field: string, kind: Kind, body: (value: unknown) => Record<string, unknown>): Slot => ({
  field,
  kind,
  body,
});
const push = (fields: Record<string, unknown>) => ({
  campaignMessages: [{ message: 'Hi', application: { appId: '1464041244280' }, ...fields }],
});
const mail = (fields: Record<string, unknown>) => ({ campaignMails: [{ content: 'Hello', ...fields }] });
const sms = (fields: Record<string, unknown>) => ({ campaignSms: [{ smsMessage: 'Hey', ...fields }] });
const pass = (fields: Record<string, unknown>) => ({ campaignPasses: [{ passName: 'Pass', ...fields }] });

/** Every field whose form the schema states, at the top and inside each kind of content item. */
const SLOTS: Slot[] = [
  slot('name', 'text', (v) => ({ name: v })),
  slot('description', 'text', (v) => ({ description: v })),
  slot('zone', 'zone', (v) => ({ zone: v })),
  slot('status', 'status', (v) => ({ status: v })),
  slot('id', 'id', (v) => ({ id: v })),
  slot('startAt', 'instant', (v) => ({ startAt: v })),
  slot('endAt', 'instant', (v) => ({ endAt: v })),
  slot('startDateStr', 'voltMxDate', (v) => ({ startDateStr: v })),
  slot('endDateStr', 'voltMxDate', (v) => ({ endDateStr: v })),
  slot('campaignType', 'text', (v) => ({ campaignType: v })),
  slot('campaignSegments[0].segment.name', 'text', (v) => ({ campaignSegments: [{ segment: { id: 51, name: v } }] })),
  slot('campaignMessages[0].name', 'text', (v) => push({ name: v })),
  slot('campaignMessages[0].message', 'text', (v) => push({ message: v })),
  slot('campaignMessages[0].richContent', 'text', (v) => push({ richContent: v })),
  slot('campaignMessages[0].application.appId', 'appId', (v) => push({ application: { appId: v } })),
  slot('campaignMessages[0].application.applicationName', 'text', (v) =>
    push({ application: { appId: '1', applicationName: v } }),
  ),
  slot('campaignMessages[0].pushesSent', 'counter', (v) => push({ pushesSent: v })),
  slot('campaignMessages[0].repeatMessage.message', 'text', (v) => push({ repeatMessage: { ...repeat, message: v } })),
  slot('campaignMessages[0].repeatMessage.interval', 'interval', (v) =>
    push({ repeatMessage: { ...repeat, message: 'Again', interval: v } }),
  ),
  slot('campaignMails[0].subject', 'text', (v) => mail({ subject: v })),
  slot('campaignMails[0].contentType', 'text', (v) => mail({ contentType: v })),
  slot('campaignMails[0].senderEmail', 'text', (v) => mail({ senderEmail: v })),
  slot('campaignMails[0].senderName', 'text', (v) => mail({ senderName: v })),
  slot('campaignMails[0].content', 'text', (v) => mail({ content: v })),
  slot('campaignMails[0].mailsOpened', 'counter', (v) => mail({ mailsOpened: v })),
  slot('campaignMails[0].repeatMessage.subject', 'text', (v) =>
    mail({ repeatMessage: { ...repeat, content: 'Again', subject: v } }),
  ),
  slot('campaignSms[0].name', 'text', (v) => sms({ name: v })),
  slot('campaignSms[0].smsMessage', 'text', (v) => sms({ smsMessage: v })),
  slot('campaignSms[0].repeatMessage.interval', 'interval', (v) =>
    sms({ repeatMessage: { ...repeat, smsMessage: 'Again', interval: v } }),
  ),
  slot('campaignVoiceSms[0].smsMessage', 'text', (v) => ({ campaignVoiceSms: [{ smsMessage: v }] })),
  slot('campaignPasses[0].passName', 'text', (v) => pass({ passName: v })),
  slot('campaignPasses[0].passType', 'text', (v) => pass({ passType: v })),
  slot('campaignPasses[0].passSent', 'counter', (v) => pass({ passSent: v })),
  slot('campaignChannelPriorities[0].messageChannel', 'channel', (v) => ({
    campaignChannelPriorities: [{ messageChannel: v }],
  })),
];

/** Texts at and one past each limit (255, 1,020, 10,000, 100,000 code points), empty, blank, absent-alike, not text. */
const text = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(0, 1, 64, 65, 254, 255, 256, 1019, 1020, 1021, 10_000, 10_001, 99_999, 100_000, 100_001),
      fc.constantFrom('x', '🎉', 'é'),
    )
    .map(([length, character]) => character.repeat(length)),
  fc.constantFrom(' ', '\t\n', '\u00a0', ' x ', null, 7, true),
);
const VALUES: Record<Kind, fc.Arbitrary<unknown>> = {
  text,
  // An application id is text or a JSON integer from 0 to 2^63 − 1, as a client whose app ids are numbers writes it.
  appId: fc.oneof(text, fc.constantFrom(0, 7, 1_464_041_244_280, 9_007_199_254_740_991, BEYOND_2_53, -1, 1.5)),
  zone: fc.constantFrom(
    '(GMT+04:30) Kabul',
    '(GMT) Casablanca',
    '(GMT)Casablanca',
    '(GMT) Casa\nblanca',
    '(GMT+14:59) Line Islands',
    '(GMT+15:00) Nowhere',
    'GMT-05:00',
    'GMT+01:60',
    'GMT',
    'GMT+5',
    'UTC',
    '',
    null,
    `(GMT) ${'x'.repeat(58)}`,
    `(GMT) ${'x'.repeat(59)}`,
  ),
  status: fc.constantFrom(
    'Draft',
    'Pending',
    'Running',
    'draft',
    'scheduled',
    'DRAFT',
    'pending',
    'running',
    'paused',
    'Paused',
    'Completed',
    '',
    ' Draft',
    null,
    1,
  ),
  // A year well ahead, so that a start or an end alone is always one the service takes when it reads it.
  instant: fc.constantFrom(
    '2036-05-24T16:38:51Z',
    '2036-05-24T16:38:51.123+04:30',
    '2036-05-24t16:38:51z',
    '2036-05-24T16:38:51',
    '2036-05-24',
    '05/24/2036 04:38:51 PM',
    '',
    ' ',
    null,
    1,
  ),
  id: fc.constantFrom(
    0,
    '0',
    null,
    '00',
    -1,
    1.5,
    '',
    ' 7',
    '7x',
    '9223372036854775807',
    BEYOND_2_53,
    '9223372036854775808',
  ),
  voltMxDate: fc.constantFrom(
    '05/24/2036 04:38:51 PM',
    '05/24/2036 04:38:51 AM',
    '05/24/2036 04:38:51 pm',
    '05/24/2036 04:38:51 am',
    '05/24/2036 04:38:51 Pm',
    '05/24/2036 04:38:51 aM',
    '05/24/2036 04:38:51PM',
    '05/24/2036 04:38:51  PM',
    '5/24/2036 04:38:51 PM',
    '05/24/2036 4:38:51 PM',
    '05/24/2036 04:38 PM',
    '13/24/2036 04:38:51 PM',
    '05/32/2036 04:38:51 PM',
    '05/24/2036 13:38:51 PM',
    '05/24/2036 00:38:51 AM',
    '05/24/2036 12:38:51 AM',
    '05/24/2036 04:60:51 PM',
    '12/31/2036 11:59:59 PM',
    '2036-05-24T16:38:51Z',
    '',
    ' ',
    null,
    1,
  ),
  channel: fc.constantFrom('PUSH', 'push', 'Email', 'EMAIL', 'sms', 'Sms', 'FAX', '', 'PUSH ', null, 1),
  interval: fc.constantFrom(0, 1, 24, -1, 1.5, 9_007_199_254_740_991, BEYOND_2_53, '1', null),
  counter: fc.constantFrom(0, 1, -1, 1.5, 9_007_199_254_740_991, BEYOND_2_53, '1', null),
};

describe('The request schemas of docs/openapi.yaml against the service', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('a create is accepted exactly when NewCampaign holds it valid, for every field of the campaign and its content at its limits', async () => {
    const cases = fc.constantFrom(...SLOTS).chain((place) => VALUES[place.kind].map((value) => ({ place, value })));
    await fc.assert(
      fc.asyncProperty(cases, async ({ place, value }) => {
        const body = { name: 'Schema', ...place.body(value) };
        const rawBody = JSON.stringify(body).replaceAll(`"${BEYOND_2_53}"`, BEYOND_2_53_DIGITS);
        const documented = contract.accepts(NEW_CAMPAIGN, JSON.parse(rawBody));
        const answer = await service.request('POST', '/api/v1/campaigns', {
          rawBody,
          headers: { 'content-type': 'application/json' },
        });
        const label = `${place.field} = ${JSON.stringify(value)?.slice(0, 40)}: ${answer.text.slice(0, 300)}`;
        // A valid id the case drew before names a campaign that exists: taken as valid all the same.
        const status = answer.body?.code === 'CAMPAIGN_EXISTS' ? 200 : answer.status;
        expect(status, label).to.equal(documented ? 200 : 400);
        if (!documented) {
          expect(answer.body.code, label).to.equal('VALIDATION_FAILED');
          expect(
            answer.body.errors.map((e: { field: string }) => e.field),
            label,
          ).to.include(place.field);
        }
      }),
      propertyParameters(1500),
    );
  });

  it('takes back every campaign as either read form shows it, in every state a modify takes: CampaignChanges holds it valid, and the service answers 200', async () => {
    const push = {
      message: 'Hi',
      application: { appId: 'a1' },
      repeatMessage: { message: 'Again', interval: 1, intervalUnit: 'Days', application: { appId: 'a1' } },
    };
    const cases = fc.record({
      state: fc.constantFrom(...(Object.keys(STATES) as Array<keyof typeof STATES>)),
      view: fc.constantFrom('', '?view=service'),
      withContent: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ state, view, withContent }) => {
        const { create, verbs, query } = STATES[state];
        const id = await service.createCampaign({ ...create, ...(withContent ? { campaignMessages: [push] } : {}) });
        for (const verb of verbs) {
          const moved = await service.request('POST', `/api/v1/campaigns/${id}/${verb}`);
          expect(moved.status, moved.text).to.equal(200);
        }
        const read = await service.request('GET', `/api/v1/campaigns/${id}${view}`);
        const label = `${state}${view}: ${read.text.slice(0, 300)}`;
        expect(contract.accepts(CAMPAIGN_CHANGES, JSON.parse(read.text)), label).to.equal(true);
        const back = await service.request('POST', `/api/v1/campaigns/${id}/modify${query}`, {
          rawBody: read.text,
          headers: { 'content-type': 'application/json' },
        });
        expect(back.status, `${label} → ${back.text}`).to.equal(200);
      }),
      propertyParameters(24),
    );
  });
});
