import type { CampaignCommand, CampaignCommandRunner, CommandAnswer } from '../campaign-command.js';
import type { UseCase } from '../use-case.js';

/** Starts a scheduled campaign now, at a caller's request; its CampaignStarted goes to the outbox with the change. */
export class StartCampaign implements UseCase<CampaignCommand, CommandAnswer> {
  constructor(private readonly commands: CampaignCommandRunner) {}

  execute(command: CampaignCommand): Promise<CommandAnswer> {
    return this.commands.run(command, (campaign, act) => campaign.start({ ...act, trigger: 'manual' }));
  }
}
