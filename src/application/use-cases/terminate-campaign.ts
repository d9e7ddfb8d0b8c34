import type { CampaignCommand, CampaignCommandRunner, CommandAnswer } from '../campaign-command.js';
import type { UseCase } from '../use-case.js';

/** Stops a running or paused campaign for good (until a restart); its CampaignTerminated goes to the outbox with the change. */
export class TerminateCampaign implements UseCase<CampaignCommand, CommandAnswer> {
  constructor(private readonly commands: CampaignCommandRunner) {}

  execute(command: CampaignCommand): Promise<CommandAnswer> {
    return this.commands.run(command, (campaign, act) => campaign.terminate(act));
  }
}
