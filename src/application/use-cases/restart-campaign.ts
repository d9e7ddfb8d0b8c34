import type { CampaignCommandRunner, CommandAnswer } from '../campaign-command.js';
import type { UseCase } from '../use-case.js';
import { changesFor, type ModifyCampaignCommand } from './modify-campaign.js';

/**
 * Lets a terminated or completed campaign run again with the changes given (its CampaignRestarted names them); a
 * campaign that has not ended is modified instead.
 */
export class RestartCampaign implements UseCase<ModifyCampaignCommand, CommandAnswer> {
  constructor(private readonly commands: CampaignCommandRunner) {}

  execute(command: ModifyCampaignCommand): Promise<CommandAnswer> {
    return this.commands.run(command, (campaign, act) =>
      campaign.restart(changesFor(campaign.snapshot(), command), act),
    );
  }
}
