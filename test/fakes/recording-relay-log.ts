import type { RelayLog } from '../../src/application/index.js';

export class RecordingRelayLog implements RelayLog {
  readonly outagesBegun: unknown[] = [];
  readonly retryDelays: number[] = [];
  readonly outagesEnded: Array<{ failedAttempts: number; downForMs: number }> = [];

  outageBegan(error: unknown): void {
    this.outagesBegun.push(error);
  }

  retryScheduled(_failedAttempts: number, delayMs: number): void {
    this.retryDelays.push(delayMs);
  }

  outageEnded(failedAttempts: number, downForMs: number): void {
    this.outagesEnded.push({ failedAttempts, downForMs });
  }
}
