import type { CampaignChanges, CampaignSnapshot } from '../../domain/index.js';
import type { CampaignCommand, CampaignCommandRunner, CommandAnswer } from '../campaign-command.js';
import type { UseCase } from '../use-case.js';

export interface ModifyCampaignCommand extends CampaignCommand {
  /** The changes, or how to derive them from the campaign as stored (read inside the same transaction). */
  changes: CampaignChanges | ((current: CampaignSnapshot) => CampaignChanges);
}

/** Changes the details of a draft, scheduled or paused campaign; its CampaignModified names the fields that changed. */
export class ModifyCampaign implements UseCase<ModifyCampaignCommand, CommandAnswer> {
  constructor(private readonly commands: CampaignCommandRunner) {}

  execute(command: ModifyCampaignCommand): Promise<CommandAnswer> {
    return this.commands.run(command, (campaign, act) =>
      campaign.modify(changesFor(campaign.snapshot(), command.changes), act),
    );
  }
}

/** The changes a command asks for, given the campaign as it is stored now. */
export function changesFor(current: CampaignSnapshot, changes: ModifyCampaignCommand['changes']): CampaignChanges {
  return typeof changes === 'function' ? changes(current) : changes;
}
