import type { CampaignId, CampaignSnapshot } from '../../domain/index.js';
import { CampaignNotFound } from '../application-errors.js';
import type { CampaignHistory, CampaignHistoryPage } from '../ports/campaign-history.js';
import type { CampaignPage, CampaignQuery, CampaignReader } from '../ports/campaign-reader.js';

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

  execute(query: CampaignQuery): Promise<CampaignPage> {
    return this.reader.list(query);
  }
}

/**
 * A campaign's event history. A deleted campaign keeps its history (its last event says it was deleted); an id
 * that has neither a campaign nor events is not found.
 */
export class ListCampaignEvents {
  constructor(
    private readonly reader: CampaignReader,
    private readonly history: CampaignHistory,
  ) {}

  async execute(query: { campaignId: CampaignId; offset: number; limit: number }): Promise<CampaignHistoryPage> {
    const { campaignId, offset, limit } = query;
    const events = await this.history.eventsOf(campaignId, offset, limit);
    if (events.total === 0 && (await this.reader.findById(campaignId)) === undefined) {
      throw new CampaignNotFound(campaignId.toString());
    }
    return events;
  }
}
