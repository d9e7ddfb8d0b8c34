import { Campaign, type CampaignId, type NewCampaign } from '../../domain/index.js';
import { CampaignAlreadyExists } from '../application-errors.js';
import type { CommandAnswer } from '../campaign-command.js';
import { type IdempotentRequest, idempotencyKey, runIdempotently } from '../idempotency.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Transaction, UnitOfWork, UnitOfWorkOptions } from '../ports/unit-of-work.js';
import type { UseCase } from '../use-case.js';

/** A new campaign as the domain takes it (name, dates, zone, content, ...), asked for by `actor`. */
export interface CreateCampaignCommand extends Omit<NewCampaign, 'id' | 'createdBy'> {
  actor: string;
  /** Given when importing a campaign with its existing id; generated otherwise. */
  id?: CampaignId;
  /** Given when the request carries an Idempotency-Key: a repeat answers the first create's id, creating nothing. */
  idempotency?: IdempotentRequest;
}

const MAX_GENERATED_ID_ATTEMPTS = 3;

/** A create without an Idempotency-Key writes its campaign and nothing else. */
const ONE_INSERT: UnitOfWorkOptions = { singleWrite: true };

/** A generated id that is taken: drawn again, never an answer to remember under an Idempotency-Key. */
class DrawnIdTaken extends Error {}

/** Stores a new campaign, under an imported id or a generated one (drawn again should it collide). */
export class CreateCampaign implements UseCase<CreateCampaignCommand, CommandAnswer> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(command: CreateCampaignCommand): Promise<CommandAnswer> {
    const { actor, id: imported, idempotency, ...fields } = command;
    const now = this.clock.now();
    const key = idempotencyKey(actor, idempotency);
    for (let attempt = 1; ; attempt++) {
      const id = imported ?? this.ids.newCampaignId();
      // Checked before the unit: a campaign refused as asked for binds no key, so a corrected one may use it.
      const campaign = Campaign.create({ ...fields, id, createdBy: actor }, now);
      const create = async (tx: Transaction) => {
        await insert(tx, campaign, imported === undefined);
        return { id: id.toString(), version: campaign.version };
      };
      try {
        return await (key === undefined
          ? this.unitOfWork.run(create, ONE_INSERT)
          : runIdempotently(this.unitOfWork, key, now, create));
      } catch (error) {
        if (!(error instanceof DrawnIdTaken)) throw error;
        if (attempt >= MAX_GENERATED_ID_ATTEMPTS) throw new CampaignAlreadyExists(id.toString());
      }
    }
  }
}

async function insert(tx: Transaction, campaign: Campaign, drawn: boolean): Promise<void> {
  try {
    await tx.campaigns.insert(campaign);
  } catch (error) {
    throw drawn && error instanceof CampaignAlreadyExists ? new DrawnIdTaken() : error;
  }
}
