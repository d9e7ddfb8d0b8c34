import type { CampaignStatus } from './campaign-status.js';

/** A rule of the domain was refused. `code` is stable: clients and the HTTP edge rely on it. */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  /** Facts a client can act on, beside the message. */
  details(): Record<string, unknown> {
    return {};
  }
}

export class InvalidCampaignId extends DomainError {
  readonly code = 'INVALID_CAMPAIGN_ID';
  constructor(readonly raw: string) {
    super(`Campaign id must be a positive 64-bit integer in canonical decimal form (1 to 9223372036854775807)`);
  }
}

export interface FieldProblem {
  field: string;
  message: string;
}

export class CampaignInvalid extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly problems: FieldProblem[]) {
    super(`Invalid campaign: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  }
  override details(): Record<string, unknown> {
    return { errors: this.problems };
  }
}

export class CampaignNotStartable extends DomainError {
  readonly code = 'CAMPAIGN_NOT_STARTABLE';
  constructor(readonly campaignId: string, readonly status: CampaignStatus) {
    super(`Campaign ${campaignId} cannot be started: it is ${status}; only a scheduled campaign can be started`);
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId, status: this.status };
  }
}

export class CampaignExpired extends DomainError {
  readonly code = 'CAMPAIGN_EXPIRED';
  constructor(readonly campaignId: string, readonly endAt: Date) {
    super(`Campaign ${campaignId} cannot be started: its end date ${endAt.toISOString()} has passed`);
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId, endAt: this.endAt.toISOString() };
  }
}
