import type { CampaignId } from '../../domain/index.js';
import { CampaignNotFound } from '../application-errors.js';
import { mayExceedPageBudget, refuseOverBudget } from '../page-bytes.js';
import type { CampaignHistory, CampaignHistoryPage } from '../ports/campaign-history.js';
import type { CampaignReader } from '../ports/campaign-reader.js';
import type { UseCase } from '../use-case.js';

export interface CampaignEventsQuery {
  campaignId: CampaignId;
  offset: number;
  limit: number;
}

/**
 * A campaign's event history. A deleted campaign keeps its history (its last event says it was deleted); an id
 * that has neither a campaign nor events is not found.
 */
export class ListCampaignEvents implements UseCase<CampaignEventsQuery, CampaignHistoryPage> {
  constructor(
    private readonly reader: CampaignReader,
    private readonly history: CampaignHistory,
  ) {}

  async execute(query: CampaignEventsQuery): Promise<CampaignHistoryPage> {
    const { campaignId, offset, limit } = query;
    if (mayExceedPageBudget(limit)) {
      refuseOverBudget(await this.history.pageBytes(campaignId, offset, limit), { rows: 'events', offset });
    }
    const events = await this.history.eventsOf(campaignId, offset, limit);
    if (events.total === 0 && (await this.reader.findById(campaignId)) === undefined) {
      throw new CampaignNotFound(campaignId.toString());
    }
    return events;
  }
}
