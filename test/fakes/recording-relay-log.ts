import type { RelayLog } from '../../src/application/index.js';

export class RecordingRelayLog implements RelayLog {
  readonly outagesBegun: unknown[] = [];
  readonly retryDelays: number[] = [];
  readonly outagesEnded: Array<{ failedAttempts: number; downForMs: number }> = [];
  /** `leading` and `standing by`, in the order the relay reported them. */
  readonly leadership: string[] = [];

  outageBegan(error: unknown): void {
    this.outagesBegun.push(error);
  }

  retryScheduled(_failedAttempts: number, delayMs: number): void {
    this.retryDelays.push(delayMs);
  }

  outageEnded(failedAttempts: number, downForMs: number): void {
    this.outagesEnded.push({ failedAttempts, downForMs });
  }

  leading(): void {
    this.leadership.push('leading');
  }

  standingBy(): void {
    this.leadership.push('standing by');
  }

  handingOver(): void {
    this.leadership.push('handing over');
  }

  tookLeaseBack(): void {
    this.leadership.push('took the lease back');
  }
}
