import type { Act, Campaign, CampaignChanges, CampaignId, CampaignSnapshot } from '../../domain/index.js';
import { changeCampaign } from '../campaign-change.js';
import { idempotencyKey, runIdempotently, type IdempotentRequest } from '../idempotency.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';

export interface VerbCommand {
  campaignId: CampaignId;
  actor: string;
  idempotency?: IdempotentRequest;
}

/** One lifecycle verb: a change decided by the aggregate, idempotent under a client's key. */
abstract class LifecycleVerb<C extends VerbCommand> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute(command: C): Promise<{ id: string }> {
    const now = this.clock.now();
    return runIdempotently(this.unitOfWork, idempotencyKey(command.actor, command.idempotency), now, async (tx) => {
      await changeCampaign(tx, command.campaignId, (campaign) =>
        this.apply(campaign, command, { now, eventId: this.ids.newEventId(), by: command.actor }),
      );
      return { id: command.campaignId.toString() };
    });
  }

  protected abstract apply(campaign: Campaign, command: C, act: Act): void;
}

export class PauseCampaign extends LifecycleVerb<VerbCommand> {
  protected apply(campaign: Campaign, _command: VerbCommand, act: Act): void {
    campaign.pause(act);
  }
}

export class ResumeCampaign extends LifecycleVerb<VerbCommand> {
  protected apply(campaign: Campaign, _command: VerbCommand, act: Act): void {
    campaign.resume(act);
  }
}

export class TerminateCampaign extends LifecycleVerb<VerbCommand> {
  protected apply(campaign: Campaign, _command: VerbCommand, act: Act): void {
    campaign.terminate(act);
  }
}

export class DeleteCampaign extends LifecycleVerb<VerbCommand> {
  protected apply(campaign: Campaign, _command: VerbCommand, act: Act): void {
    campaign.delete(act);
  }
}

export interface ModifyCampaignCommand extends VerbCommand {
  /** The changes, or how to derive them from the campaign as stored (read inside the same transaction). */
  changes: CampaignChanges | ((current: CampaignSnapshot) => CampaignChanges);
  restart?: boolean;
}

export class ModifyCampaign extends LifecycleVerb<ModifyCampaignCommand> {
  protected apply(campaign: Campaign, command: ModifyCampaignCommand, act: Act): void {
    const changes = typeof command.changes === 'function' ? command.changes(campaign.snapshot()) : command.changes;
    campaign.modify(changes, act, { restart: command.restart ?? false });
  }
}
