export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Exponential backoff: the first retry waits `initialDelayMs`, each next one twice as long, up to `maxDelayMs`. */
export function retryDelay(failedAttempts: number, policy: RetryPolicy): number {
  const doublings = Math.min(Math.max(failedAttempts - 1, 0), 30);
  return Math.min(policy.initialDelayMs * 2 ** doublings, policy.maxDelayMs);
}
