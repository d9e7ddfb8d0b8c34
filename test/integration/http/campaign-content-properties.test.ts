import fc from 'fast-check';
import { stringify } from 'lossless-json';
import { storableTextProblem } from '../../../src/domain/storable-text.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters } from '../../support/property-runs.js';
import { readStrictly, VOLT_MX_CAMPAIGN } from '../../support/strict-volt-mx-client.js';
import { inDays, TestService } from '../../support/test-service.js';

const RUNS = propertyParameters(15).numRuns;

/**
 * Any text the text rules let a client store: astral characters, combining marks, any code point but the
 * control characters and unpaired surrogates they refuse (test/integration/properties/text-and-bodies tests those).
 */
const text = (maxLength = 40) =>
  fc
    .string({ unit: 'binary', maxLength })
    .filter((candidate) => storableTextProblem(candidate, Number.POSITIVE_INFINITY) === undefined);
/** A text an item cannot go without: not empty, not only white space (those are refused, tested below). */
const required = (maxLength = 40) => text(maxLength).filter((candidate) => candidate.trim() !== '');

const counter = fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined });
/** Numbers a free-form object keeps: doubles, and integers a double holds exactly (others are refused, as documented). */
const keptNumber = fc.oneof(
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x) || Number.isSafeInteger(x)),
);
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constant(null),
    fc.boolean(),
    keptNumber,
    text(),
    fc.array(tie('json'), { maxLength: 3 }),
    fc.dictionary(text(8), tie('json'), { maxKeys: 3 }),
  ),
}));
const freeForm = fc.dictionary(text(8), json, { maxKeys: 4 });
const repeat = { interval: fc.integer({ min: 1, max: 500 }), intervalUnit: fc.constantFrom('Hours', 'Days', 'Weeks') };
const pushText = {
  name: text(),
  message: required(200),
  richContent: text(200),
  platformSpecificProps: fc.oneof(fc.constant(''), freeForm),
  subscribers: counter,
  pushesSent: counter,
};

const content = fc.record({
  campaignType: text(),
  campaignSegments: fc.array(
    fc.record({
      segment: fc.record({
        id: fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }),
        name: fc.option(text(), { nil: undefined }),
      }),
    }),
    { maxLength: 5 },
  ),
  campaignMessages: fc.array(
    fc.record({
      ...pushText,
      application: fc.record({ appId: required(), applicationName: fc.option(text(), { nil: undefined }) }),
      repeatMessage: fc.option(fc.record({ ...pushText, ...repeat }), { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
  campaignMails: fc.array(
    fc.record({
      subject: text(),
      contentType: fc.constant('text.html'),
      senderEmail: text(),
      senderName: text(),
      content: required(200),
      mailsSent: counter,
    }),
    { maxLength: 3 },
  ),
  campaignSms: fc.array(
    fc.record({
      name: text(),
      smsMessage: required(),
      smsSent: counter,
      repeatMessage: fc.option(fc.record({ smsMessage: required(), name: text(), ...repeat }), { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
  campaignVoiceSms: fc.array(fc.record({ name: text(), smsMessage: required() }), { maxLength: 2 }),
  campaignPasses: fc.array(
    fc.record({ passName: required(), passType: text(), passContent: freeForm, passIntegrationConfig: freeForm }),
    { maxLength: 2 },
  ),
  campaignChannelPriorities: fc
    .shuffledSubarray(['PUSH', 'Email', 'SMS'])
    .map((channels) => channels.map((messageChannel) => ({ messageChannel }))),
});

/** What the original's read form shows for what was sent: counters 0, names that were left out "". */
function expectedReadForm(sent: Record<string, any>): Record<string, unknown> {
  const zeroed = (item: Record<string, unknown>, counters: string[]) => ({
    ...Object.fromEntries(Object.entries(item).filter(([, v]) => v !== undefined)),
    ...Object.fromEntries(counters.map((c) => [c, 0])),
  });
  const push = ['subscribers', 'pushesSent', 'pushesOpened'];
  const sms = ['smsSent', 'smsOpened'];
  return {
    campaignType: sent.campaignType,
    campaignSegments: sent.campaignSegments.map((s: any) => ({
      segment: { id: s.segment.id, name: s.segment.name ?? '' },
    })),
    campaignMessages: sent.campaignMessages.map((m: any) => ({
      ...zeroed(m, push),
      application: { appId: m.application.appId, applicationName: m.application.applicationName ?? '' },
      ...(m.repeatMessage === undefined ? {} : { repeatMessage: zeroed(m.repeatMessage, push) }),
    })),
    campaignMails: sent.campaignMails.map((m: any) => zeroed(m, ['mailsSent', 'mailsOpened'])),
    campaignSms: sent.campaignSms.map((m: any) => ({
      ...zeroed(m, sms),
      ...(m.repeatMessage === undefined ? {} : { repeatMessage: zeroed(m.repeatMessage, sms) }),
    })),
    campaignVoiceSms: sent.campaignVoiceSms.map((m: any) => zeroed(m, sms)),
    campaignPasses: sent.campaignPasses.map((p: any) => zeroed(p, ['passOpened', 'passSent'])),
    campaignChannelPriorities: sent.campaignChannelPriorities,
  };
}

/** A class's fields, each `null` unless set, as Jackson writes an object whose fields were not all set. */
function withNulls(item: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const set = Object.entries(item).filter(([, value]) => value !== undefined);
  return { ...Object.fromEntries(fields.map((field) => [field, null])), ...Object.fromEntries(set) };
}

const PUSH_CLASS = [
  ...Object.keys(pushText),
  'pushesOpened',
  'application',
  'repeatMessage',
  'interval',
  'intervalUnit',
];
const MAIL_CLASS = ['subject', 'contentType', 'senderEmail', 'senderName', 'content', 'mailsSent', 'mailsOpened'];
const SMS_CLASS = ['name', 'smsMessage', 'smsSent', 'smsOpened', 'repeatMessage', 'interval', 'intervalUnit'];
const PASS_CLASS = ['passName', 'passType', 'passSent', 'passOpened', 'passIntegrationConfig', 'passContent'];

/**
 * The content as a Java client migrating from the original writes it with Jackson's defaults: a `long id` left at
 * 0, one class for SMS and voice SMS, a repeat of the class of its message (a push's naming the message's
 * application, or null), every field not set written as `null`.
 */
function asJacksonWritesIt(sent: Record<string, any>, repeatsNameTheirApplication: boolean): Record<string, unknown> {
  const sms = (m: any) =>
    withNulls({ ...m, repeatMessage: m.repeatMessage && withNulls(m.repeatMessage, SMS_CLASS) }, SMS_CLASS);
  return {
    id: 0,
    ...sent,
    campaignSegments: sent.campaignSegments.map((s: any) => ({ segment: withNulls(s.segment, ['id', 'name']) })),
    campaignMessages: sent.campaignMessages.map((m: any) => {
      const application = withNulls(m.application, ['appId', 'applicationName']);
      const repeat =
        m.repeatMessage &&
        withNulls({ ...m.repeatMessage, application: repeatsNameTheirApplication ? application : null }, PUSH_CLASS);
      return withNulls({ ...m, application, repeatMessage: repeat }, PUSH_CLASS);
    }),
    campaignMails: sent.campaignMails.map((m: any) =>
      withNulls(m, [...MAIL_CLASS, 'repeatMessage', 'interval', 'intervalUnit']),
    ),
    campaignSms: sent.campaignSms.map(sms),
    campaignVoiceSms: sent.campaignVoiceSms.map(sms),
    campaignPasses: sent.campaignPasses.map((p: any) => withNulls(p, PASS_CLASS)),
  };
}

/** JSON as a strict client compares it: an integer by its digits (number or bigint alike, -0 as 0), key order ignored. */
function canonical(value: unknown): unknown {
  if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value)))
    return `integer ${BigInt(value)}`;
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}

for (const kind of DATABASE_KINDS) {
  describe(`Generated campaign content (${kind.name})`, () => {
    let service: TestService;
    before(async () => {
      service = await TestService.start(kind);
    });
    after(() => service.stop());

    it(`reads back exactly what was accepted, in the original's form and the service's view (${RUNS} generated campaigns)`, async () => {
      await fc.assert(
        fc.asyncProperty(content, async (generated) => {
          const body = { name: 'Generated', startAt: inDays(1), endAt: inDays(2), ...generated };
          const created = await service.request('POST', '/api/v1/campaigns', {
            rawBody: stringify(body)!,
            headers: { 'content-type': 'application/json' },
          });
          expect(created.status, created.text).to.equal(200);
          const original = await service.request('GET', `/api/v1/campaigns/${created.body.id}`);
          readStrictly(original.body, VOLT_MX_CAMPAIGN);
          const { id: _id, name: _name, zone: _zone, status: _status, ...read } = original.body;
          const shown = Object.fromEntries(Object.keys(expectedReadForm(generated)).map((key) => [key, read[key]]));
          expect(canonical(shown)).to.deep.equal(canonical(expectedReadForm(generated)));
          const own = (await service.request('GET', `/api/v1/campaigns/${created.body.id}?view=service`)).body;
          expect(own.campaignSegments.map((s: any) => s.segment.id)).to.deep.equal(
            generated.campaignSegments.map((s) => String(s.segment.id)),
          );
          expect(canonical(own.campaignMessages)).to.deep.equal(canonical(shown.campaignMessages));
        }),
        propertyParameters(15),
      );
    });

    it('takes content as Jackson writes a Java model of it (id 0, fields not set as null, a repeat naming its application) as that content without them (generated)', async () => {
      await fc.assert(
        fc.asyncProperty(content, fc.boolean(), fc.boolean(), async (generated, namesApplication, idLeftAtZero) => {
          const body = { name: 'From Java', startAt: inDays(1), endAt: inDays(2) };
          const created = await service.request('POST', '/api/v1/campaigns', {
            rawBody: stringify({ ...body, ...asJacksonWritesIt(generated, namesApplication) })!,
            headers: { 'content-type': 'application/json' },
          });
          expect(created.status, created.text).to.equal(200);
          expect(created.body.id).to.match(/^[1-9][0-9]*$/);
          const original = await service.request('GET', `/api/v1/campaigns/${created.body.id}`);
          readStrictly(original.body, VOLT_MX_CAMPAIGN);
          const shown = Object.fromEntries(
            Object.keys(expectedReadForm(generated)).map((key) => [key, original.body[key]]),
          );
          expect(canonical(shown)).to.deep.equal(canonical(expectedReadForm(generated)));

          const postedBack = await service.request('POST', `/api/v1/campaigns/${created.body.id}/modify`, {
            rawBody: stringify({
              ...asJacksonWritesIt(original.body, namesApplication),
              ...(idLeftAtZero ? { id: 0 } : {}),
              name: 'Posted back',
            })!,
            headers: { 'content-type': 'application/json' },
          });
          expect(postedBack.status, postedBack.text).to.equal(200);
          const after = await service.request('GET', `/api/v1/campaigns/${created.body.id}`);
          const { name: _before, lastModifiedDateStr: _at, ...unchanged } = original.body;
          expect(after.body).to.deep.include({ ...unchanged, name: 'Posted back' });
        }),
        propertyParameters(15),
      );
    });

    it("refuses a push repeat naming another application than its message's, naming the field", async () => {
      const answer = await service.request('POST', '/api/v1/campaigns', {
        body: {
          name: 'Other app',
          campaignMessages: [
            {
              message: 'm',
              application: { appId: 'shop' },
              repeatMessage: { message: 'r', interval: 1, intervalUnit: 'Days', application: { appId: 'other' } },
            },
          ],
        },
      });
      expect(answer.status, answer.text).to.equal(400);
      expect(answer.body.errors).to.deep.equal([
        {
          field: 'campaignMessages[0].repeatMessage.application',
          message: "must be its message's application, or be left out (a repeat is sent through it)",
        },
      ]);
    });

    it('refuses a required text of the content given empty or only white space, naming it, as one left out', async () => {
      /** Each required text, placed in an item that is valid but for it. */
      const places: Array<[string, (blank: string) => Record<string, unknown>, string]> = [
        ['campaignMails', (blank) => ({ content: blank }), 'content'],
        ['campaignMessages', (blank) => ({ message: blank, application: { appId: 'a' } }), 'message'],
        ['campaignMessages', (blank) => ({ message: 'm', application: { appId: blank } }), 'application.appId'],
        ['campaignSms', (blank) => ({ smsMessage: blank }), 'smsMessage'],
        ['campaignVoiceSms', (blank) => ({ smsMessage: blank }), 'smsMessage'],
        ['campaignPasses', (blank) => ({ passName: blank }), 'passName'],
      ];
      const blank = fc
        .array(fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2003', '\u3000', '\ufeff'), { maxLength: 6 })
        .map((spaces) => spaces.join(''));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...places), blank, async ([part, item, field], text) => {
          const answer = await service.request('POST', '/api/v1/campaigns', {
            body: { name: 'Blank', [part]: [item(text)] },
          });
          expect(answer.status, `${JSON.stringify(text)}: ${answer.text}`).to.equal(400);
          expect(answer.body.errors).to.deep.equal([{ field: `${part}[0].${field}`, message: 'is required' }]);
        }),
        propertyParameters(30),
      );
    });

    it('keeps a repeat interval from 1 to 2^53 - 1 and refuses a larger one with a message naming the bounds (generated)', async () => {
      const interval = fc.oneof(
        fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
        fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: 2n ** 96n }),
      );
      await fc.assert(
        fc.asyncProperty(interval, async (n) => {
          const sms = { smsMessage: 'm', repeatMessage: { smsMessage: 'r', interval: n, intervalUnit: 'Days' } };
          const answer = await service.request('POST', '/api/v1/campaigns', {
            rawBody: stringify({ name: 'Repeated', campaignSms: [sms] })!,
            headers: { 'content-type': 'application/json' },
          });
          if (n <= BigInt(Number.MAX_SAFE_INTEGER)) {
            expect(answer.status, answer.text).to.equal(200);
          } else {
            expect(answer.status, answer.text).to.equal(400);
            expect(answer.body.errors).to.deep.equal([
              {
                field: 'campaignSms[0].repeatMessage.interval',
                message: 'must be a whole number from 1 to 9007199254740991',
              },
            ]);
          }
        }),
        propertyParameters(20),
      );
    });
  });
}
