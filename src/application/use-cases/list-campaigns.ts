import type { CampaignPage, CampaignQuery, CampaignReader } from '../ports/campaign-reader.js';
import type { UseCase } from '../use-case.js';

export class ListCampaigns implements UseCase<CampaignQuery, CampaignPage> {
  constructor(private readonly reader: CampaignReader) {}

  execute(query: CampaignQuery): Promise<CampaignPage> {
    return this.reader.list(query);
  }
}
