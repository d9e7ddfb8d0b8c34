/** A request the application refuses; `code` is stable and the HTTP edge maps it to a status. */
export abstract class ApplicationError extends Error {
  abstract readonly code: string;

  details(): Record<string, unknown> {
    return {};
  }
}

export class CampaignNotFound extends ApplicationError {
  readonly code = 'CAMPAIGN_NOT_FOUND';
  constructor(readonly campaignId: string) {
    super(`Campaign ${campaignId} does not exist`);
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId };
  }
}

export class CampaignAlreadyExists extends ApplicationError {
  readonly code = 'CAMPAIGN_EXISTS';
  constructor(readonly campaignId: string) {
    super(`Campaign ${campaignId} already exists`);
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId };
  }
}

/** The caller decided on a version of the campaign that is no longer the stored one (HTTP's If-Match). */
export class CampaignChangedSinceRead extends ApplicationError {
  readonly code = 'CAMPAIGN_CHANGED';
  constructor(
    readonly campaignId: string,
    readonly version: number,
  ) {
    super(
      `Campaign ${campaignId} changed since the version the request names: it is at version ${version}; read it again and decide anew`,
    );
  }
  override details(): Record<string, unknown> {
    return { id: this.campaignId, version: this.version };
  }
}

export class IdempotencyKeyReused extends ApplicationError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('This Idempotency-Key was already used for a different request; use a new key for a new request');
  }
}

/** A page whose rows hold more than one answer carries (page-bytes.ts); `fits`: how many of them would fit. */
export class PageTooLarge extends ApplicationError {
  readonly code = 'PAGE_TOO_LARGE';
  constructor(
    message: string,
    readonly fits: number,
  ) {
    super(message);
  }
  override details(): Record<string, unknown> {
    return { pageSize: this.fits };
  }
}

/**
 * The database could not take the request now (unreachable, silent, out of room): nothing about the request is
 * wrong, and it may be sent again. A change whose commit got no answer may have been made; a retry under the same
 * Idempotency-Key answers what was done. Never stored as a request's outcome.
 */
export class DatabaseUnavailable extends ApplicationError {
  readonly code = 'DATABASE_UNAVAILABLE';
  constructor(cause: unknown) {
    super(
      'The database did not take the request: retry it shortly. A change may have been made if the database went away while committing it; a retry under the same Idempotency-Key answers what was done',
      { cause },
    );
  }
}

/** Another request stored an outcome under the same key first. */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super('idempotency key already recorded');
  }
}

/** The stored refusal of an earlier request with the same Idempotency-Key, answered again. */
export class ReplayedRefusal extends ApplicationError {
  constructor(
    readonly code: string,
    message: string,
    private readonly recordedDetails: Record<string, unknown>,
    /** The id of the request that was refused first, which the replay answers with. */
    readonly firstRequestId?: string,
  ) {
    super(message);
  }
  override details(): Record<string, unknown> {
    return this.recordedDetails;
  }
}
