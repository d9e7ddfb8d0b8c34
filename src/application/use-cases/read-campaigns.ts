import type { CampaignId, CampaignSnapshot } from '../../domain/index.js';
import { CampaignNotFound } from '../errors.js';
import type { CampaignPage, CampaignReader } from '../ports/campaign-reader.js';

export class GetCampaign {
  constructor(private readonly reader: CampaignReader) {}

  async execute(id: CampaignId): Promise<CampaignSnapshot> {
    const campaign = await this.reader.findById(id);
    if (campaign === undefined) throw new CampaignNotFound(id.toString());
    return campaign;
  }
}

export class ListCampaigns {
  constructor(private readonly reader: CampaignReader) {}

  execute(page: { offset: number; limit: number }): Promise<CampaignPage> {
    return this.reader.list(page.offset, page.limit);
  }
}
