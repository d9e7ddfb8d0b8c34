import type { Knex } from 'knex';
import type { RelayLease } from '../../../application/index.js';
import { whileWriting } from './write-share.js';

const LEASE = 'outbox';
/** SQLite keeps times as epoch milliseconds; julianday('now') is the same for every use within one statement. */
const SQLITE_NOW = "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";

/**
 * The relay lease as the one row of `relay_lease`, taken and renewed by one conditional UPDATE: the row goes to
 * this relay when it holds it already, when nobody holds it, or when it expired. Expiry is judged by the
 * database's clock alone, so the clocks of the instances need not agree. The same on PostgreSQL (instances on
 * several machines) and on SQLite (the service and `npm run relay` on one file).
 */
export class KnexRelayLease implements RelayLease {
  private readonly now: Knex.Raw;
  private readonly expiry: Knex.Raw;

  constructor(
    private readonly db: Knex,
    /** Who holds it, as operators read it in the table: unique per relay (host, process, a random part). */
    readonly holder: string,
    ttlMs: number,
  ) {
    const postgres = db.client.config.client === 'pg';
    this.now = db.raw(postgres ? 'statement_timestamp()' : SQLITE_NOW);
    this.expiry = postgres
      ? db.raw("statement_timestamp() + CAST(? AS double precision) * interval '1 millisecond'", [ttlMs])
      : db.raw(`${SQLITE_NOW} + ?`, [ttlMs]);
  }

  async acquire(): Promise<boolean> {
    const updated = await whileWriting(this.db, () =>
      this.db('relay_lease')
        .where('name', LEASE)
        .andWhere((lease) =>
          lease.where('holder', this.holder).orWhereNull('holder').orWhere('expires_at', '<', this.now),
        )
        .update({
          holder: this.holder,
          acquired_at: this.db.raw('CASE WHEN holder = ? THEN acquired_at ELSE ? END', [this.holder, this.now]),
          expires_at: this.expiry,
        }),
    );
    return Number(updated) === 1;
  }

  async release(): Promise<void> {
    await whileWriting(this.db, () =>
      this.db('relay_lease')
        .where({ name: LEASE, holder: this.holder })
        .update({ holder: null, acquired_at: null, expires_at: null }),
    );
  }
}
