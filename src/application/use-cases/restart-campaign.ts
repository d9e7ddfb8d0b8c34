import type { CampaignCommand, CampaignCommandRunner, CommandAnswer } from '../campaign-command.js';
import type { UseCase } from '../use-case.js';
import { changesFor, type ModifyCampaignCommand } from './modify-campaign.js';

export interface RestartCampaignCommand extends CampaignCommand {
  /** The changes, as for a modify; absent when none were given, which only a campaign that has ended allows. */
  changes?: ModifyCampaignCommand['changes'];
}

/**
 * Lets a terminated or completed campaign run again with the changes given (its CampaignRestarted names them); a
 * campaign that has not ended is modified instead.
 */
export class RestartCampaign implements UseCase<RestartCampaignCommand, CommandAnswer> {
  constructor(private readonly commands: CampaignCommandRunner) {}

  execute(command: RestartCampaignCommand): Promise<CommandAnswer> {
    const { changes } = command;
    return this.commands.run(command, (campaign, act) =>
      campaign.restart(changes === undefined ? undefined : changesFor(campaign.snapshot(), changes), act),
    );
  }
}
