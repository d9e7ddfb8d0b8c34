import type { Campaign, CampaignId } from '../domain/index.js';
import { CampaignNotFound } from './application-errors.js';
import type { Transaction, UnitOfWorkOptions } from './ports/unit-of-work.js';

/** The unit of a `changeCampaign` that writes nothing else: its `saveChange` is the one write. */
export const ONE_CHANGE: UnitOfWorkOptions = { singleWrite: true };

/** How many times a change re-reads the campaign after losing a write race to another change. */
const MAX_ATTEMPTS = 5;

/**
 * Loads a campaign, lets `decide` change it (the aggregate refuses what its rules forbid), and writes the
 * result only if nobody changed the campaign in between; its events go to the outbox in the same transaction.
 * A lost race re-reads and decides again, so the refusal names the state that won. A decision that changed
 * nothing writes nothing.
 */
export async function changeCampaign(
  tx: Transaction,
  id: CampaignId,
  decide: (campaign: Campaign) => void,
): Promise<Campaign> {
  for (let attempt = 1; ; attempt++) {
    const campaign = await tx.campaigns.find(id);
    if (campaign === undefined) throw new CampaignNotFound(id.toString());
    const readVersion = campaign.version;
    decide(campaign);
    if (campaign.version === readVersion) return campaign;
    if (await tx.campaigns.saveChange(campaign, readVersion, campaign.pullEvents())) return campaign;
    if (attempt >= MAX_ATTEMPTS) throw new Error(`campaign ${id} kept changing while it was being changed`);
  }
}
