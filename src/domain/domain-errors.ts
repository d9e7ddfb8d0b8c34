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

/** Fields refused, each named; `subject` says what they belong to (a campaign, or a list's query). */
export class CampaignInvalid extends DomainError {
  readonly code = 'VALIDATION_FAILED';
  constructor(
    readonly problems: FieldProblem[],
    subject = 'campaign',
  ) {
    super(`Invalid ${subject}: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`);
  }
  override details(): Record<string, unknown> {
    return { errors: this.problems };
  }
}

export type CampaignAction = 'start' | 'pause' | 'resume' | 'terminate' | 'modify' | 'restart' | 'delete' | 'complete';

const REFUSAL_CODES: Record<CampaignAction, string> = {
  start: 'CAMPAIGN_NOT_STARTABLE',
  pause: 'CAMPAIGN_NOT_PAUSABLE',
  resume: 'CAMPAIGN_NOT_RESUMABLE',
  terminate: 'CAMPAIGN_NOT_TERMINABLE',
  modify: 'CAMPAIGN_NOT_MODIFIABLE',
  restart: 'CAMPAIGN_NOT_RESTARTABLE',
  delete: 'CAMPAIGN_NOT_DELETABLE',
  complete: 'CAMPAIGN_NOT_COMPLETABLE',
};

/** The campaign's status does not allow the action. */
export class CampaignTransitionRefused extends DomainError {
  readonly code: string;
  constructor(
    readonly campaignId: string,
    readonly action: CampaignAction,
    readonly status: CampaignStatus,
    allowedFrom: readonly CampaignStatus[],
  ) {
    super(`Campaign ${campaignId} cannot ${action}: it is ${status}; allowed only when ${allowedFrom.join(' or ')}`);
    this.code = REFUSAL_CODES[action];
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId, status: this.status };
  }
}

export class CampaignNotStartable extends CampaignTransitionRefused {
  constructor(campaignId: string, status: CampaignStatus, allowedFrom: readonly CampaignStatus[]) {
    super(campaignId, 'start', status, allowedFrom);
  }
}

/** The refusal of `action` in `status`, for a campaign whose transition table allows it only from `allowedFrom`. */
export function transitionRefused(
  campaignId: string,
  action: CampaignAction,
  status: CampaignStatus,
  allowedFrom: readonly CampaignStatus[],
): CampaignTransitionRefused {
  return action === 'start'
    ? new CampaignNotStartable(campaignId, status, allowedFrom)
    : new CampaignTransitionRefused(campaignId, action, status, allowedFrom);
}

/** A restart without changes of a campaign that has not ended: it is modified instead, and a modify needs them. */
export class ChangesRequired extends DomainError {
  readonly code = 'INVALID_REQUEST';
  constructor(
    readonly campaignId: string,
    readonly status: CampaignStatus,
  ) {
    super(
      `Campaign ${campaignId} is ${status}, so a restart modifies it: a JSON body with the fields to change is required (only a terminated or completed campaign restarts without one)`,
    );
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId, status: this.status };
  }
}

/** complete() on a campaign whose status allows it but whose end date has not come (or that has none). */
export class CampaignNotDueForCompletion extends DomainError {
  readonly code = 'CAMPAIGN_NOT_COMPLETABLE';
  constructor(
    readonly campaignId: string,
    readonly status: CampaignStatus,
    readonly endAt: Date | null,
  ) {
    super(
      `Campaign ${campaignId} cannot complete: ${endAt === null ? 'it has no end date' : `its end date ${endAt.toISOString()} has not come`}`,
    );
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId, status: this.status, endAt: this.endAt?.toISOString() ?? null };
  }
}

/**
 * A campaign in a state no sequence of its own rules can reach (a running campaign with no startedAt, an end
 * before the start): corrupt data or a defect. Deliberately not a DomainError: no client request caused it.
 */
export class CampaignStateImpossible extends Error {
  constructor(
    readonly campaignId: string,
    readonly violations: readonly FieldProblem[],
  ) {
    super(
      `Campaign ${campaignId} is in an impossible state: ${violations.map((v) => `${v.field} ${v.message}`).join('; ')}`,
    );
  }
}

/** A verb the status allows, refused because the campaign's end date has passed. */
export class CampaignExpired extends DomainError {
  readonly code = 'CAMPAIGN_EXPIRED';
  constructor(
    readonly campaignId: string,
    readonly status: CampaignStatus,
    readonly endAt: Date,
    action = 'be started',
  ) {
    super(`Campaign ${campaignId} cannot ${action}: its end date ${endAt.toISOString()} has passed`);
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId, status: this.status, endAt: this.endAt.toISOString() };
  }
}
