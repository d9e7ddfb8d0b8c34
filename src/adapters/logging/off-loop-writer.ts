import { write, writeSync } from 'node:fs';

/** How long the last lines may take to be written as the process exits, when the reader is slow to take them. */
const EXIT_WRITE_BOUND_MS = 1_000;
/** The wait before writing again to a file descriptor that took nothing (EAGAIN). */
const RETRY_MS = 10;

/**
 * Log lines written to a file descriptor (stdout) off the event loop: one write in flight at a time, the lines
 * logged meanwhile wait in memory and go together in the next. What waits when the process exits is written then,
 * synchronously, within a bound. A write that fails for good (EPIPE: what read stdout has gone) ends the writing:
 * later lines are dropped, and exiting never waits for a reader that will not come back.
 */
export class OffLoopWriter {
  private waiting: string[] = [];
  private writing = false;
  private broken = false;

  constructor(private readonly fd: number) {
    process.on('exit', () => this.writeWaitingNow());
  }

  write(text: string): boolean {
    if (this.broken) return true;
    this.waiting.push(text);
    if (!this.writing) this.writeWaiting();
    return true;
  }

  private writeWaiting(): void {
    const chunk = Buffer.from(this.waiting.join(''));
    this.waiting = [];
    this.writing = true;
    this.writeFrom(chunk, 0);
  }

  private writeFrom(chunk: Buffer, offset: number): void {
    write(this.fd, chunk, offset, chunk.length - offset, null, (error, written) => {
      if (error !== null) {
        if (error.code === 'EAGAIN') setTimeout(() => this.writeFrom(chunk, offset), RETRY_MS);
        else this.breakOff();
        return;
      }
      if (offset + written < chunk.length) {
        this.writeFrom(chunk, offset + written);
        return;
      }
      this.writing = false;
      if (this.waiting.length > 0) this.writeWaiting();
    });
  }

  /** At exit: what waits, in one synchronous write, given up on when it fails for good or takes too long. */
  private writeWaitingNow(): void {
    if (this.broken || this.waiting.length === 0) return;
    const chunk = Buffer.from(this.waiting.join(''));
    this.waiting = [];
    const deadline = performance.now() + EXIT_WRITE_BOUND_MS;
    for (let offset = 0; offset < chunk.length; ) {
      try {
        offset += writeSync(this.fd, chunk, offset, chunk.length - offset);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN' || performance.now() >= deadline) {
          this.breakOff();
          return;
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RETRY_MS);
      }
    }
  }

  private breakOff(): void {
    this.broken = true;
    this.waiting = [];
  }
}
