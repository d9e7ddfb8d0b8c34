import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

const LONG_MAX = 9_223_372_036_854_775_807n;

/** An application id a client sends as a JSON integer, written digit for digit (beyond 2^53 too). */
const numericAppId = fc.oneof(
  fc.bigInt({ min: 0n, max: 9_007_199_254_740_991n }),
  fc.bigInt({ min: 9_007_199_254_740_992n, max: LONG_MAX }),
  fc.constantFrom(0n, 1_464_041_244_280n, LONG_MAX),
);

/** Where the id goes: a create, a modify, and whether a repeat names the application again (as a number or text). */
const cases = fc.record({
  appId: numericAppId,
  through: fc.constantFrom('create', 'modify'),
  repeat: fc.constantFrom('none', 'same number', 'same text'),
});

/** The body's JSON text with `APP_ID` written as the bare integer `digits`. */
function withBareInteger(body: unknown, digits: string): string {
  return JSON.stringify(body).replaceAll('"APP_ID"', digits);
}

describe('An application id sent as a JSON integer, as a client whose app ids are numbers writes it', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  it('is taken in a create or a modify, a repeat may name it again either way, and both read forms give its digits as text (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ appId, through, repeat }) => {
        const digits = appId.toString();
        const repeatMessage =
          repeat === 'none'
            ? undefined
            : {
                message: 'Again',
                interval: 1,
                intervalUnit: 'Days',
                application: { appId: repeat === 'same number' ? 'APP_ID' : digits },
              };
        const messages = [
          {
            name: 'Deals of the Day',
            message: '##First Name####Last Name##',
            application: { appId: 'APP_ID', applicationName: 'App' },
            ...(repeatMessage ? { repeatMessage } : {}),
          },
        ];
        const headers = { 'content-type': 'application/json;charset=UTF-8' };
        let id: string;
        if (through === 'create') {
          const created = await service.request('POST', '/api/v1/campaigns', {
            rawBody: withBareInteger({ name: 'Numeric app', campaignMessages: messages }, digits),
            headers,
          });
          expect(created.status, created.text).to.equal(200);
          id = created.body.id;
        } else {
          id = await service.createCampaign({ name: 'Numeric app' });
          const modified = await service.request('POST', `/api/v1/campaigns/${id}/modify`, {
            rawBody: withBareInteger({ campaignMessages: messages }, digits),
            headers,
          });
          expect(modified.status, modified.text).to.equal(200);
        }
        for (const view of ['', '?view=service']) {
          const read = await service.request('GET', `/api/v1/campaigns/${id}${view}`);
          expect(read.status, read.text).to.equal(200);
          const [message] = read.body.campaignMessages;
          expect(message.application).to.deep.equal({ appId: digits, applicationName: 'App' });
          if (repeat !== 'none') expect(message.repeatMessage).to.not.have.property('application');
        }
      }),
      propertyParameters(60),
    );
  });

  it('is refused naming its field when it is no whole number from 0 to 2^63 − 1, and nothing is created', async () => {
    const before = (await service.request('GET', '/api/v1/campaigns')).body.total;
    for (const written of ['-1', '1.5', '9223372036854775808', '1e400']) {
      const answer = await service.request('POST', '/api/v1/campaigns', {
        rawBody: withBareInteger(
          { name: 'Numeric app', campaignMessages: [{ message: 'm', application: { appId: 'APP_ID' } }] },
          written,
        ),
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, `${written}: ${answer.text}`).to.equal(400);
      expect(answer.body.errors, written).to.deep.equal([
        {
          field: 'campaignMessages[0].application.appId',
          message: 'must be a string, or a whole number from 0 to 9223372036854775807',
        },
      ]);
    }
    expect((await service.request('GET', '/api/v1/campaigns')).body.total).to.equal(before);
  });

  it("refuses a repeat naming another application than its message's, by number or by text", async () => {
    for (const other of ['8', '"8"']) {
      const answer = await service.request('POST', '/api/v1/campaigns', {
        rawBody: withBareInteger(
          {
            name: 'Numeric app',
            campaignMessages: [
              {
                message: 'm',
                application: { appId: 'APP_ID' },
                repeatMessage: { message: 'r', interval: 1, intervalUnit: 'Days', application: { appId: 'OTHER' } },
              },
            ],
          },
          '7',
        ).replace('"OTHER"', other),
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.status, answer.text).to.equal(400);
      expect(answer.body.errors.map((e: { field: string }) => e.field)).to.deep.equal([
        'campaignMessages[0].repeatMessage.application',
      ]);
    }
  });
});
