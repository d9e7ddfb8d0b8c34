import { DomainError } from '../domain/index.js';
import {
  ApplicationError,
  DatabaseUnavailable,
  IdempotencyKeyReused,
  IdempotencyKeyTaken,
  ReplayedRefusal,
} from './application-errors.js';
import type { IdempotencyKey, IdempotentRequest, StoredOutcome } from './ports/idempotency-records.js';
import type { Transaction, UnitOfWork } from './ports/unit-of-work.js';

export type { IdempotencyKey, IdempotentRequest, StoredOutcome } from './ports/idempotency-records.js';

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** The key of `request` for `owner`, or undefined when the request carries none. */
export function idempotencyKey(owner: string, request: IdempotentRequest | undefined): IdempotencyKey | undefined {
  return request === undefined ? undefined : { owner, ...request };
}

/** True when a request with fingerprint `given` is the one that stored `stored`. */
export function sameRequest(stored: string, given: string): boolean {
  if (stored === given) return true;
  return (
    stored.endsWith(' *') && given.startsWith(stored.slice(0, -1)) && !given.slice(stored.length - 1).includes(' ')
  );
}

type Refusal = DomainError | ApplicationError;

/**
 * Runs `work` once per idempotency key: the first outcome (result or refusal) is stored in the same
 * transaction as the work, and a repeat with the same key answers that outcome again without writing.
 */
export async function runIdempotently<T>(
  unitOfWork: UnitOfWork,
  key: IdempotencyKey | undefined,
  now: Date,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  if (key === undefined) return unitOfWork.run(work);
  try {
    return await unitOfWork.run(async (tx) => {
      const earlier = await tx.idempotency.find(key);
      if (earlier !== undefined) return replay<T>(earlier, key);
      const value = await work(tx);
      await tx.idempotency.remember(key, { fingerprint: key.fingerprint, kind: 'result', value }, now);
      return value;
    });
  } catch (error) {
    if (error instanceof IdempotencyKeyTaken) return replayStored<T>(unitOfWork, key);
    if (isReplayable(error) && !(await rememberRefusal(unitOfWork, key, error, now))) {
      return replayStored<T>(unitOfWork, key);
    }
    throw error;
  }
}

/** A refusal of the request itself, which the same request would get again; not a passing outage. */
function isReplayable(error: unknown): error is Refusal {
  if (error instanceof IdempotencyKeyReused || error instanceof ReplayedRefusal) return false;
  if (error instanceof DatabaseUnavailable) return false;
  return error instanceof DomainError || error instanceof ApplicationError;
}

/** False when a concurrent request with the same key stored its outcome first. */
async function rememberRefusal(
  unitOfWork: UnitOfWork,
  key: IdempotencyKey,
  error: Refusal,
  now: Date,
): Promise<boolean> {
  const outcome: StoredOutcome = {
    fingerprint: key.fingerprint,
    kind: 'refusal',
    code: error.code,
    message: error.message,
    details: error.details(),
    ...(key.requestId !== undefined ? { requestId: key.requestId } : {}),
  };
  try {
    await unitOfWork.run((tx) => tx.idempotency.remember(key, outcome, now));
    return true;
  } catch (storeError) {
    if (storeError instanceof IdempotencyKeyTaken) return false;
    throw storeError;
  }
}

async function replayStored<T>(unitOfWork: UnitOfWork, key: IdempotencyKey): Promise<T> {
  const earlier = await unitOfWork.run((tx) => tx.idempotency.find(key));
  if (earlier === undefined) throw new Error('idempotency record vanished while replaying it');
  return replay<T>(earlier, key);
}

function replay<T>(earlier: StoredOutcome, key: IdempotencyKey): T {
  if (!sameRequest(earlier.fingerprint, key.fingerprint)) throw new IdempotencyKeyReused();
  if (earlier.kind === 'refusal')
    throw new ReplayedRefusal(earlier.code, earlier.message, earlier.details, earlier.requestId);
  return earlier.value as T;
}
