import type { Campaign, CampaignId, StartTrigger } from '../../domain/index.js';
import { CampaignNotFound } from '../errors.js';
import { runIdempotently } from '../idempotency.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Transaction, UnitOfWork } from '../ports/unit-of-work.js';

export interface StartCampaignCommand {
  campaignId: CampaignId;
  actor: string;
  trigger?: StartTrigger;
  idempotencyKey?: string;
}

export interface StartCampaignResult {
  id: string;
}

/** How many times a start re-reads the campaign after losing a write race to another change. */
const MAX_ATTEMPTS = 5;

export class StartCampaign {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  execute(command: StartCampaignCommand): Promise<StartCampaignResult> {
    const now = this.clock.now();
    const key = command.idempotencyKey === undefined
      ? undefined
      : { owner: command.actor, key: command.idempotencyKey, fingerprint: `start ${command.campaignId}` };
    return runIdempotently(this.unitOfWork, key, now, (tx) => this.startIn(tx, command, now));
  }

  private async startIn(tx: Transaction, command: StartCampaignCommand, now: Date): Promise<StartCampaignResult> {
    for (let attempt = 1; ; attempt++) {
      const campaign = await this.load(tx, command.campaignId);
      const readVersion = campaign.version;
      campaign.start({
        now,
        eventId: this.ids.newEventId(),
        startedBy: command.actor,
        trigger: command.trigger ?? 'manual',
      });
      if (await tx.campaigns.update(campaign, readVersion)) {
        await tx.outbox.append(campaign.pullEvents());
        return { id: campaign.id.toString() };
      }
      if (attempt >= MAX_ATTEMPTS) throw new Error(`campaign ${command.campaignId} kept changing during start`);
    }
  }

  private async load(tx: Transaction, id: CampaignId): Promise<Campaign> {
    const campaign = await tx.campaigns.find(id);
    if (campaign === undefined) throw new CampaignNotFound(id.toString());
    return campaign;
  }
}
