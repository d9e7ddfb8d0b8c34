import type { CampaignCommand, CampaignCommandRunner, CommandAnswer } from '../campaign-command.js';
import type { UseCase } from '../use-case.js';

/** Pauses a running campaign; its CampaignPaused goes to the outbox with the change. */
export class PauseCampaign implements UseCase<CampaignCommand, CommandAnswer> {
  constructor(private readonly commands: CampaignCommandRunner) {}

  execute(command: CampaignCommand): Promise<CommandAnswer> {
    return this.commands.run(command, (campaign, act) => campaign.pause(act));
  }
}
