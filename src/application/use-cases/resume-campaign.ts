import type { CampaignCommand, CampaignCommandRunner, CommandAnswer } from '../campaign-command.js';
import type { UseCase } from '../use-case.js';

/** Resumes a paused campaign before its end date; its CampaignResumed goes to the outbox with the change. */
export class ResumeCampaign implements UseCase<CampaignCommand, CommandAnswer> {
  constructor(private readonly commands: CampaignCommandRunner) {}

  execute(command: CampaignCommand): Promise<CommandAnswer> {
    return this.commands.run(command, (campaign, act) => campaign.resume(act));
  }
}
