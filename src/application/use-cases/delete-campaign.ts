import type { CampaignCommand, CampaignCommandRunner, CommandAnswer } from '../campaign-command.js';
import type { UseCase } from '../use-case.js';

/** Deletes a draft, scheduled or paused campaign; its CampaignDeleted stays in the outbox, the last entry of its history. */
export class DeleteCampaign implements UseCase<CampaignCommand, CommandAnswer> {
  constructor(private readonly commands: CampaignCommandRunner) {}

  execute(command: CampaignCommand): Promise<CommandAnswer> {
    return this.commands.run(command, (campaign, act) => campaign.delete(act));
  }
}
