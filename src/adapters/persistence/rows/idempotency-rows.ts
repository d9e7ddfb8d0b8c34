import type { StoredOutcome } from '../../../application/index.js';

export interface IdempotencyRow {
  fingerprint: string;
  outcome: string;
}

/** The stored outcome of a key; the fingerprint column is the one compared (migrations rewrite only it). */
export function storedOutcome(row: IdempotencyRow): StoredOutcome {
  return { ...(JSON.parse(row.outcome) as StoredOutcome), fingerprint: row.fingerprint };
}
