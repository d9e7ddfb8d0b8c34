import { Campaign, type CampaignId, type NewCampaign } from '../../domain/index.js';
import { CampaignAlreadyExists } from '../application-errors.js';
import type { CommandAnswer } from '../campaign-command.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import type { UseCase } from '../use-case.js';

/** A new campaign as the domain takes it (name, dates, zone, content, ...), asked for by `actor`. */
export interface CreateCampaignCommand extends Omit<NewCampaign, 'id' | 'createdBy'> {
  actor: string;
  /** Given when importing a campaign with its existing id; generated otherwise. */
  id?: CampaignId;
}

const MAX_GENERATED_ID_ATTEMPTS = 3;

/** Stores a new campaign, under an imported id or a generated one (drawn again should it collide). */
export class CreateCampaign implements UseCase<CreateCampaignCommand, CommandAnswer> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: CreateCampaignCommand): Promise<CommandAnswer> {
    const now = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      const id = command.id ?? this.ids.newCampaignId();
      const campaign = Campaign.create({ ...command, id, createdBy: command.actor }, now);
      try {
        await this.unitOfWork.run((tx) => tx.campaigns.insert(campaign));
        return { id: id.toString() };
      } catch (error) {
        const mayRetry = error instanceof CampaignAlreadyExists && command.id === undefined;
        if (!mayRetry || attempt >= MAX_GENERATED_ID_ATTEMPTS) throw error;
      }
    }
  }
}
