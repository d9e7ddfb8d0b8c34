import type { Act, Campaign, CampaignId } from '../domain/index.js';
import { CampaignChangedSinceRead } from './application-errors.js';
import { changeCampaign, ONE_CHANGE } from './campaign-change.js';
import { type IdempotentRequest, idempotencyKey, runIdempotently } from './idempotency.js';
import type { Clock } from './ports/clock.js';
import type { IdGenerator } from './ports/id-generator.js';
import type { Transaction, UnitOfWork } from './ports/unit-of-work.js';

/** A caller's command to one campaign. */
export interface CampaignCommand {
  campaignId: CampaignId;
  /** Who asks: a token's subject. */
  actor: string;
  /** Given when the request carries an Idempotency-Key. */
  idempotency?: IdempotentRequest;
  /**
   * The versions the caller decided on: the command runs only on one of them, and is refused with
   * CampaignChangedSinceRead otherwise (an empty list matches none). Absent: any version.
   */
  ifVersionIn?: readonly number[];
}

/**
 * What a command answers: the id of the campaign it acted on, as text, and the version the command left it at
 * (none once deleted, nor in an answer remembered under an Idempotency-Key before versions were answered).
 */
export interface CommandAnswer {
  id: string;
  version?: number;
}

/**
 * The one way a command changes a campaign: load it, let the aggregate decide, save it with its events (deciding
 * again when another writer came first), and remember the answer, or the refusal, under the caller's
 * Idempotency-Key, so that a repeat answers it again without writing.
 */
export class CampaignCommandRunner {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  run(command: CampaignCommand, decide: (campaign: Campaign, act: Act) => void): Promise<CommandAnswer> {
    const now = this.clock.now();
    const key = idempotencyKey(command.actor, command.idempotency);
    // The time of the change is read when the aggregate decides, after any race it lost: read before, it could
    // fall before the change that won, and the campaign's history would go back in time.
    const change = async (tx: Transaction): Promise<CommandAnswer> => {
      const changed = await changeCampaign(tx, command.campaignId, (campaign) => {
        // Checked on every read: a race lost to another writer is a version the caller did not decide on.
        if (command.ifVersionIn !== undefined && !command.ifVersionIn.includes(campaign.version)) {
          throw new CampaignChangedSinceRead(command.campaignId.toString(), campaign.version);
        }
        decide(campaign, { now: this.clock.now(), eventId: this.ids.newEventId(), by: command.actor });
      });
      const id = command.campaignId.toString();
      return changed.isDeleted ? { id } : { id, version: changed.version };
    };
    // With a key, the remembered answer is a second write in the same unit.
    return key === undefined
      ? this.unitOfWork.run(change, ONE_CHANGE)
      : runIdempotently(this.unitOfWork, key, now, change);
  }
}
