/** What a request that carries an Idempotency-Key brings with it. */
export interface IdempotentRequest {
  key: string;
  /**
   * The request the key is bound to, as `<method> <resource> <digest>` (the digest covers what else makes it
   * this request: query and body). Another fingerprint under a used key is refused; a stored digest of `*`
   * (a key stored before digests were kept) matches any digest of the same method and resource.
   */
  fingerprint: string;
  /** The request's id, kept with a stored refusal so that a replay answers it byte for byte. */
  requestId?: string;
}

/** A client's key, scoped to the caller, with what the request asked for. */
export interface IdempotencyKey extends IdempotentRequest {
  owner: string;
}

export type StoredOutcome =
  | { fingerprint: string; kind: 'result'; value: unknown }
  | {
      fingerprint: string;
      kind: 'refusal';
      code: string;
      message: string;
      details: Record<string, unknown>;
      requestId?: string;
    };

/** The outcome of each idempotency key, stored in the transaction of the work it answers. */
export interface IdempotencyRecords {
  find(key: IdempotencyKey): Promise<StoredOutcome | undefined>;
  /** Throws IdempotencyKeyTaken when another request already stored an outcome under this key. */
  remember(key: IdempotencyKey, outcome: StoredOutcome, at: Date): Promise<void>;
}
