import { loadOpenApiDocument } from '../../../src/adapters/http/openapi-document.js';
import { DATABASE_KINDS } from '../../support/databases.js';
import { expect } from '../../support/expect.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { type Answer, TestService } from '../../support/test-service.js';

const contract = new OpenApiContract(loadOpenApiDocument());

/** What is wrong with `answer` as an answer of the documented operation `key` (`GET /api/v1/campaigns`). */
function undocumented(key: string, answer: Answer): string[] {
  const operation = contract.operations().find((candidate) => candidate.key === key)!;
  return contract.problemsWith(key, operation.responses, answer);
}

/** About 500 KB of content: five mails of 100,000 characters, under the 512 KiB a campaign may hold. */
const BIG_CONTENT = {
  campaignMails: [1, 2, 3, 4, 5].map((n) => ({ subject: `mail ${n}`, content: String(n).repeat(100_000) })),
};

for (const kind of DATABASE_KINDS) {
  describe(`A page answers at most 8 MiB of campaigns or events (${kind.name})`, function () {
    this.timeout(60_000);
    let service: TestService;
    before(async () => {
      service = await TestService.start(kind);
      for (let i = 0; i < 17; i++) await service.createCampaign({ name: `Large ${i}`, ...BIG_CONTENT });
    });
    after(() => service.stop());

    const list = (query: string) => service.request('GET', `/api/v1/campaigns?${query}`);
    const refusedNamingWhatFits = (answer: Answer, fits: number) => {
      expect(answer.status, answer.text.slice(0, 300)).to.equal(400);
      expect(answer.body).to.include({ code: 'PAGE_TOO_LARGE', pageSize: fits });
      expect(answer.body.message).to.include(`pageSize=${fits}`);
      expect(undocumented('GET /api/v1/campaigns', answer)).to.deep.equal([]);
    };

    it('refuses a list page of 17 campaigns of 500 KB with 400 PAGE_TOO_LARGE naming the 16 that fit, and answers those 16', async () => {
      refusedNamingWhatFits(await list('pageSize=17'), 16);
      const fitting = await list('pageSize=16');
      expect(fitting.status).to.equal(200);
      expect(fitting.body.campaigns).to.have.length(16);
      expect(fitting.body.total).to.equal(17);
    });

    it('measures a filtered or reordered list the same way', async () => {
      refusedNamingWhatFits(await list('pageSize=500&search=large'), 16);
      refusedNamingWhatFits(await list('pageSize=500&sort=newest'), 16);
      expect((await list('pageSize=16&search=large&view=service')).body.campaigns).to.have.length(16);
    });

    it('answers a large page of small campaigns, and the page from where the large ones leave room', async () => {
      for (let i = 0; i < 30; i++) await service.createCampaign({ name: `Small ${i}` });
      const page = await list('start=16&pageSize=500');
      expect(page.status).to.equal(200);
      expect(page.body.campaigns).to.have.length(31);
    });

    it("refuses a page of a campaign's history whose events hold more than 8 MiB, naming how many fit", async () => {
      const id = await service.createCampaign({ name: 'Restarted', ...BIG_CONTENT });
      for (let run = 0; run < 17; run++) {
        for (const [verb, query] of [
          ['start', ''],
          ['terminate', ''],
          ['modify', '?restart=true'],
        ]) {
          const answer = await service.request('POST', `/api/v1/campaigns/${id}/${verb}${query}`);
          expect(answer.status, `${verb}: ${answer.text}`).to.equal(200);
        }
      }
      const refused = await service.request('GET', `/api/v1/campaigns/${id}/events?pageSize=100`);
      expect(refused.status, refused.text.slice(0, 300)).to.equal(400);
      expect(refused.body.code).to.equal('PAGE_TOO_LARGE');
      expect(undocumented('GET /api/v1/campaigns/{id}/events', refused)).to.deep.equal([]);
      const fits = refused.body.pageSize as number;
      const page = await service.request('GET', `/api/v1/campaigns/${id}/events?pageSize=${fits}`);
      expect(page.status).to.equal(200);
      expect(page.body.events).to.have.length(fits);
      expect(page.body.events.filter((event: { type: string }) => event.type === 'CampaignStarted')).to.have.length(16);
    });
  });
}
