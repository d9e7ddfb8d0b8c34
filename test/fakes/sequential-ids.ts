import type { IdGenerator } from '../../src/application/index.js';
import { CampaignId } from '../../src/domain/index.js';

export class SequentialIds implements IdGenerator {
  private events = 0;
  private campaigns = 0n;

  constructor(private readonly firstCampaignId = 1n) {}

  newEventId(): string {
    this.events++;
    return `event-${this.events}`;
  }

  newCampaignId(): CampaignId {
    const id = CampaignId.fromBigInt(this.firstCampaignId + this.campaigns);
    this.campaigns++;
    return id;
  }
}
