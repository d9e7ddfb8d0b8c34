import type { Knex } from 'knex';
import { CONNECTIONS_KEPT_FOR_READS, whileWriting } from '../../../../src/adapters/persistence/knex/write-share.js';
import { expect } from '../../../support/expect.js';

const poolOf = (max: number | undefined) =>
  ({ client: { config: max === undefined ? {} : { pool: { min: 0, max } } } }) as unknown as Knex;

/** Starts `count` writes that hold on until released; answers how many are running once everything settled. */
async function writesRunningAtOnce(
  db: Knex,
  count: number,
): Promise<{ running: number; release: () => Promise<void> }> {
  let running = 0;
  const ends: Array<() => void> = [];
  const writes = Array.from({ length: count }, () =>
    whileWriting(
      db,
      () =>
        new Promise<void>((resolve) => {
          running++;
          ends.push(resolve);
        }),
    ),
  );
  await new Promise((resolve) => setImmediate(resolve));
  const seen = running;
  return {
    running: seen,
    async release() {
      while (ends.length > 0) {
        ends.shift()!();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(writes);
    },
  };
}

describe('The connections of a pool that writes may hold', () => {
  it(`are all but ${CONNECTIONS_KEPT_FOR_READS}, so reads always find a connection however many writes wait for their commits`, async () => {
    const { running, release } = await writesRunningAtOnce(poolOf(10), 25);
    expect(running).to.equal(10 - CONNECTIONS_KEPT_FOR_READS);
    await release();
  });

  it('are every connection when the pool is too small to keep any, as SQLite has one', async () => {
    const { running, release } = await writesRunningAtOnce(poolOf(1), 3);
    expect(running).to.equal(3);
    await release();
  });

  it('are not counted when the pool does not tell its size', async () => {
    const { running, release } = await writesRunningAtOnce(poolOf(undefined), 12);
    expect(running).to.equal(12);
    await release();
  });

  it('are counted per pool: the writes of one database never wait for those of another', async () => {
    const first = await writesRunningAtOnce(poolOf(4), 4);
    const second = await writesRunningAtOnce(poolOf(4), 4);
    expect([first.running, second.running]).to.deep.equal([2, 2]);
    await Promise.all([first.release(), second.release()]);
  });
});
