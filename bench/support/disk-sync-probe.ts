import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from './performance-report.js';

const BLOCK = Buffer.alloc(8 * 1024, 1);
/** The probe rewrites the same 1 MiB, as a WAL rewrites its frames after a checkpoint. */
const SPAN = 128;

/**
 * The disk's own sync latency beside a benchmark: 8 KiB written and `fdatasync`ed every `everyMs` in a file of the
 * directory the benchmark's databases use (the temporary directory), off the caller's event loop (libuv's thread
 * pool). Ten syncs a second are a few percent of what a SQLite service under load makes, so the probe sees the disk
 * as the service does without loading it much.
 */
export class DiskSyncProbe {
  private readonly durations: number[] = [];
  private running = true;
  private readonly done: Promise<void>;
  private readonly dir = mkdtempSync(join(tmpdir(), 'disk-sync-probe-'));

  constructor(everyMs = 100) {
    this.done = this.probe(everyMs);
  }

  /** The syncs timed since the last call, p99 and largest in ms (NaN when none finished). */
  takeWindow(): { p99: number; max: number } {
    const window = this.durations.splice(0);
    return { p99: percentile(window, 0.99), max: window.length === 0 ? Number.NaN : Math.max(...window) };
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async probe(everyMs: number): Promise<void> {
    const file = await open(join(this.dir, 'probe'), 'w');
    try {
      for (let block = 0; this.running; block = (block + 1) % SPAN) {
        await file.write(BLOCK, 0, BLOCK.length, block * BLOCK.length);
        const started = performance.now();
        await file.datasync();
        this.durations.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    } finally {
      await file.close();
    }
  }
}
