import { setTimeout as sleep } from 'node:timers/promises';
import type { PruneResult } from '../../../src/adapters/persistence/knex/batched-pruning.js';
import { createLogger } from '../../../src/composition/logger.js';
import { PeriodicPruning, type Pruner } from '../../../src/composition/periodic-pruning.js';
import { eventually } from '../../support/eventually.js';
import { expect } from '../../support/expect.js';
import { LogLines } from '../../support/log-lines.js';

const NOTHING: PruneResult = { deleted: 0, statements: 1, longestStatementMs: 0, durationMs: 0 };

/** A janitor that counts its passes; each pass takes `passMs` and deletes `deletes` rows. */
class CountingJanitor implements Pruner {
  passes = 0;
  stoppedMidPass = false;

  constructor(
    private readonly passMs = 0,
    private readonly deletes = 0,
  ) {}

  async prune(_now: Date, stopping: () => boolean): Promise<PruneResult> {
    this.passes++;
    await sleep(this.passMs);
    this.stoppedMidPass = stopping();
    return { ...NOTHING, deleted: this.deletes };
  }
}

describe('PeriodicPruning', () => {
  let pruning: PeriodicPruning | undefined;
  afterEach(() => pruning?.stop());

  it('runs a pass at startup without waiting for it, then one every interval', async () => {
    const janitor = new CountingJanitor();
    pruning = new PeriodicPruning('outbox', janitor, 20, createLogger('silent'));
    pruning.start();
    expect(janitor.passes).to.equal(1);
    await eventually('two more passes ran', () => janitor.passes >= 3, { timeoutMs: 2_000, intervalMs: 5 });
  });

  it('never runs two passes at once: a long pass lets the interval go by', async () => {
    const janitor = new CountingJanitor(300);
    pruning = new PeriodicPruning('outbox', janitor, 10, createLogger('silent'));
    pruning.start();
    await sleep(60);
    expect(janitor.passes).to.equal(1);
  });

  it('stop tells the pass in flight to end and waits for it', async () => {
    const janitor = new CountingJanitor(30);
    pruning = new PeriodicPruning('outbox', janitor, 1_000, createLogger('silent'));
    pruning.start();
    await pruning.stop();
    expect(janitor.stoppedMidPass).to.equal(true);
  });

  it('logs a pass that deleted rows, with how long the longest statement took', async () => {
    const out = new LogLines();
    pruning = new PeriodicPruning(
      'outbox',
      new CountingJanitor(0, 1200),
      1_000,
      createLogger('info', { destination: out }),
    );
    pruning.start();
    await pruning.stop();
    expect(out.withMessage('outbox pruned')[0]).to.include({ deleted: 1200, statements: 1, longestStatementMs: 0 });
  });

  it('logs a failed pass as a warning and keeps the service running', async () => {
    const out = new LogLines();
    const failing: Pruner = { prune: async () => Promise.reject(new Error('database is locked')) };
    pruning = new PeriodicPruning('outbox', failing, 1_000, createLogger('info', { destination: out }));
    pruning.start();
    await pruning.stop();
    expect(out.withMessage('outbox pruning failed; retrying at the next interval')).to.have.length(1);
  });
});
