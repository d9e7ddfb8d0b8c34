import type { CampaignId } from '../../domain/index.js';

/** One event of a campaign as the outbox holds it: what happened, when, by whom, and whether Kafka has it yet. */
export interface CampaignHistoryEntry {
  eventId: string;
  type: string;
  occurredAt: Date;
  /** Who caused it (the `…By` fact of the event); null when nobody did, e.g. a completion at the end date. */
  by: string | null;
  /** When the relay had it acknowledged by the broker; null while it waits in the outbox. */
  publishedAt: Date | null;
  payload: Record<string, unknown>;
}

export interface CampaignHistoryPage {
  total: number;
  events: CampaignHistoryEntry[];
}

/** A campaign's events, newest first, as long as the outbox keeps them (published ones for the retention period). */
export interface CampaignHistory {
  eventsOf(id: CampaignId, offset: number, limit: number): Promise<CampaignHistoryPage>;
  /** The stored bytes of each event `eventsOf` would answer (its payload), in the page's order. */
  pageBytes(id: CampaignId, offset: number, limit: number): Promise<number[]>;
}
