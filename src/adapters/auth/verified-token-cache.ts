import type { Principal } from './principal.js';

const SWEEP_INTERVAL_MS = 1_000;

/**
 * Tokens that verified, each kept until it expires and never after: expired entries are swept out at most a
 * second after their expiry whenever the cache is used. At most `limit` entries; the oldest leaves first. Each
 * remembers the id (`kid`) of the key that verified it, so that the tokens of a key taken out of the key set can be
 * forgotten.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { principal: Principal; expiresAtMs: number; keyId?: string }>();
  private nextSweepMs = 0;

  constructor(private readonly limit = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  get(token: string, nowMs: number): Principal | undefined {
    this.sweep(nowMs);
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (nowMs < entry.expiresAtMs) return entry.principal;
    this.entries.delete(token);
    return undefined;
  }

  set(token: string, principal: Principal, expiresAtMs: number, nowMs: number, keyId?: string): void {
    if (!(nowMs < expiresAtMs)) return;
    this.entries.delete(token);
    while (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    this.entries.set(token, { principal, expiresAtMs, ...(keyId !== undefined ? { keyId } : {}) });
  }

  /** Forgets every token verified by a key whose id `stillThere` does not hold (no id: a key without one). */
  forgetAllBut(stillThere: (keyId: string | undefined) => boolean): void {
    for (const [token, entry] of this.entries) if (!stillThere(entry.keyId)) this.entries.delete(token);
  }

  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweepMs) return;
    this.nextSweepMs = nowMs + SWEEP_INTERVAL_MS;
    for (const [token, entry] of this.entries) {
      if (entry.expiresAtMs <= nowMs) this.entries.delete(token);
    }
  }
}
