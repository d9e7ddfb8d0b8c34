import { markPublishedQuery } from '../../../src/adapters/persistence/postgres/outbox-statements.js';
import { onPooledConnection } from '../../../src/adapters/persistence/postgres/pooled-connection.js';
import type { PgConnection } from '../../../src/adapters/persistence/postgres/postgres-transaction.js';
import { POSTGRES, useMigratedDatabase } from '../../support/databases.js';
import { expect } from '../../support/expect.js';

describe("The relay's mark on PostgreSQL, which does not wait for its WAL flush", () => {
  const database = useMigratedDatabase(POSTGRES);

  const synchronousCommit = async (connection: PgConnection) =>
    (await connection.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]!.synchronous_commit;
  const waiting = async () => {
    const eventId = `mark-${Math.random()}`;
    const [row] = await database()('outbox')
      .insert({
        event_id: eventId,
        aggregate_type: 'Campaign',
        aggregate_id: '1',
        event_type: 'CampaignStarted',
        payload: '{}',
        occurred_at: new Date(),
        created_at: new Date(),
      })
      .returning(database().raw('CAST(sequence AS TEXT) AS sequence'));
    return { sequence: BigInt((row as { sequence: string }).sequence), eventId };
  };

  it('commits its own transaction with synchronous_commit off', async () => {
    const event = await waiting();
    const during = await onPooledConnection(database(), async (connection) => {
      await connection.query('BEGIN');
      try {
        await connection.query(markPublishedQuery([event], new Date()));
        return await synchronousCommit(connection);
      } finally {
        await connection.query('ROLLBACK');
      }
    });
    expect(during).to.equal('off');
  });

  it('leaves every later statement on its connection waiting for its flush, as the server is set', async () => {
    const event = await waiting();
    const [before, after] = await onPooledConnection(database(), async (connection) => {
      const level = await synchronousCommit(connection);
      await connection.query(markPublishedQuery([event], new Date()));
      return [level, await synchronousCommit(connection)];
    });
    expect(after).to.equal(before);
    expect(after).not.to.equal('off');
    const row = await database()('outbox').where('sequence', event.sequence.toString()).first();
    expect(row.published_at).not.to.equal(null);
  });

  it('leaves the level as it was when the mark fails', async () => {
    const after = await onPooledConnection(database(), async (connection) => {
      const failing = {
        ...markPublishedQuery([{ sequence: 1n, eventId: 'e' }], new Date()),
        values: ['not a time', ['1'], ['e']],
      };
      await expect(connection.query(failing)).to.be.rejected;
      return synchronousCommit(connection);
    });
    expect(after).not.to.equal('off');
  });
});
