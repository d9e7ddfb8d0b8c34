import { mayExceedPageBudget, refuseOverBudget } from '../page-bytes.js';
import type { CampaignPage, CampaignQuery, CampaignReader } from '../ports/campaign-reader.js';
import type { UseCase } from '../use-case.js';

export class ListCampaigns implements UseCase<CampaignQuery, CampaignPage> {
  constructor(private readonly reader: CampaignReader) {}

  async execute(query: CampaignQuery): Promise<CampaignPage> {
    if (mayExceedPageBudget(query.limit)) {
      refuseOverBudget(await this.reader.pageBytes(query), { rows: 'campaigns', offset: query.offset });
    }
    return this.reader.list(query);
  }
}
