import type { CampaignId, CampaignSnapshot } from '../../domain/index.js';
import { CampaignNotFound } from '../application-errors.js';
import type { CampaignReader } from '../ports/campaign-reader.js';
import type { UseCase } from '../use-case.js';

export class GetCampaign implements UseCase<CampaignId, CampaignSnapshot> {
  constructor(private readonly reader: CampaignReader) {}

  async execute(id: CampaignId): Promise<CampaignSnapshot> {
    const campaign = await this.reader.findById(id);
    if (campaign === undefined) throw new CampaignNotFound(id.toString());
    return campaign;
  }
}
