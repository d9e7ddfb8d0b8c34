import type { Campaign, CampaignId } from '../domain/index.js';
import { CampaignNotFound } from './application-errors.js';
import type { Transaction, UnitOfWorkOptions } from './ports/unit-of-work.js';

/** The unit of a `changeCampaign` that writes nothing else: its `saveChange` is the one write. */
export const ONE_CHANGE: UnitOfWorkOptions = { singleWrite: true };

/**
 * How many writes in a row may fail on a campaign that nobody changed in between (a PostgreSQL deadlock victim
 * is one) before the change gives up: losing to other writers never counts.
 */
const MAX_FAILED_WRITES_UNCHANGED = 5;

/**
 * Loads a campaign, lets `decide` change it (the aggregate refuses what its rules forbid), and writes the
 * result only if nobody changed the campaign in between; its events go to the outbox in the same transaction.
 * A lost race re-reads and decides again, so the refusal names the state that won, for as long as other writers
 * keep changing the campaign: each lost race is another change written, so however many changes of one campaign
 * race, each is written or refused, never failed. A decision that changed nothing writes nothing.
 */
export async function changeCampaign(
  tx: Transaction,
  id: CampaignId,
  decide: (campaign: Campaign) => void,
): Promise<Campaign> {
  let lostAtVersion: number | undefined;
  let failedUnchanged = 0;
  for (;;) {
    const campaign = await tx.campaigns.find(id);
    if (campaign === undefined) throw new CampaignNotFound(id.toString());
    const readVersion = campaign.version;
    failedUnchanged = readVersion === lostAtVersion ? failedUnchanged + 1 : 0;
    if (failedUnchanged >= MAX_FAILED_WRITES_UNCHANGED)
      throw new Error(`campaign ${id} could not be written, though nobody else changed it`);
    decide(campaign);
    if (campaign.version === readVersion) return campaign;
    if (await tx.campaigns.saveChange(campaign, readVersion, campaign.pullEvents())) return campaign;
    lostAtVersion = readVersion;
  }
}
