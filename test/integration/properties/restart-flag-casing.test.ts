import fc from 'fast-check';
import { SQLITE } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { TestService } from '../../support/test-service.js';

/** `word` with each letter in a case of its own: `True`, `tRUE`, `FALSE`, ... */
const anyCase = (word: string) =>
  fc
    .array(fc.boolean(), { minLength: word.length, maxLength: word.length })
    .map((upper) => [...word].map((letter, i) => (upper[i] ? letter.toUpperCase() : letter)).join(''));

const flag = fc.oneof(
  anyCase('true').map((text) => ({ text, restart: true })),
  anyCase('false').map((text) => ({ text, restart: false })),
);

describe('?restart= is read in any letter case, as the original reads a boolean parameter', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let service: TestService;
  before(async () => {
    service = await TestService.start(SQLITE);
  });
  after(() => service.stop());

  async function terminated(): Promise<string> {
    const id = await service.createCampaign({ name: 'Casing' });
    for (const verb of ['start', 'terminate']) {
      const moved = await service.request('POST', `/api/v1/campaigns/${id}/${verb}`);
      expect(moved.status, moved.text).to.equal(200);
    }
    return id;
  }

  it('restarts a terminated campaign on true in any case, and hears false in any case as a plain modify (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(flag, fc.boolean(), async ({ text, restart }, withBody) => {
        const id = await terminated();
        const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify?restart=${text}`, {
          ...(withBody ? { body: { name: 'Again' } } : {}),
        });
        const read = await service.request('GET', `/api/v1/campaigns/${id}`);
        if (restart) {
          expect(answer.status, `${text}: ${answer.text}`).to.equal(200);
          expect(answer.body).to.deep.equal({ message: 'Details updated successfully', id });
          expect(read.body.status).to.equal('Pending');
        } else {
          expect(answer.status, `${text}: ${answer.text}`).to.equal(withBody ? 409 : 400);
          expect(answer.body.code).to.equal(withBody ? 'CAMPAIGN_NOT_MODIFIABLE' : 'INVALID_REQUEST');
          expect(read.body.status).to.equal('Terminated');
        }
      }),
      propertyParameters(40),
    );
  });

  it('modifies a paused campaign with either flag in any case, as without one (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(flag, async ({ text }) => {
        const id = await service.createCampaign({ name: 'Casing' });
        for (const verb of ['start', 'pause']) {
          expect((await service.request('POST', `/api/v1/campaigns/${id}/${verb}`)).status).to.equal(200);
        }
        const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify?restart=${text}`, {
          body: { name: `Renamed ${text}` },
        });
        expect(answer.status, `${text}: ${answer.text}`).to.equal(200);
        const read = await service.request('GET', `/api/v1/campaigns/${id}`);
        expect(read.body).to.deep.include({ name: `Renamed ${text}`, status: 'Paused' });
      }),
      propertyParameters(20),
    );
  });

  it('refuses any other value naming restart, and changes nothing', async () => {
    const id = await terminated();
    for (const value of ['1', '0', 'yes', 'on', '', 'tru', 'truee', 'true%20', '%20true', 'ｔｒｕｅ']) {
      const answer = await service.request('POST', `/api/v1/campaigns/${id}/modify?restart=${value}`);
      expect(answer.status, `${value}: ${answer.text}`).to.equal(400);
      expect(answer.body.errors, value).to.deep.equal([
        { field: 'restart', message: 'must be true or false (in any letter case)' },
      ]);
    }
    expect((await service.request('GET', `/api/v1/campaigns/${id}`)).body.status).to.equal('Terminated');
  });
});
