import type { CampaignId, StartTrigger } from '../../domain/index.js';
import { changeCampaign } from '../campaign-change.js';
import { idempotencyKey, runIdempotently, type IdempotentRequest } from '../idempotency.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';

export interface StartCampaignCommand {
  campaignId: CampaignId;
  actor: string;
  trigger?: StartTrigger;
  idempotency?: IdempotentRequest;
}

export interface StartCampaignResult {
  id: string;
}

export class StartCampaign {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute(command: StartCampaignCommand): Promise<StartCampaignResult> {
    const now = this.clock.now();
    return runIdempotently(this.unitOfWork, idempotencyKey(command.actor, command.idempotency), now, async (tx) => {
      await changeCampaign(tx, command.campaignId, (campaign) =>
        campaign.start({
          now,
          eventId: this.ids.newEventId(),
          startedBy: command.actor,
          trigger: command.trigger ?? 'manual',
        }),
      );
      return { id: command.campaignId.toString() };
    });
  }
}
