import type { Knex } from 'knex';

/** The server's settings that decide when autovacuum takes a table (`SHOW autovacuum_*`). */
export interface AutovacuumSettings {
  vacuumThreshold: number;
  vacuumScaleFactor: number;
  /** -1 turns vacuuming for inserts off, as on the server. */
  insertThreshold: number;
  insertScaleFactor: number;
  analyzeThreshold: number;
  analyzeScaleFactor: number;
}

/** What the statistics say of a table since it was last vacuumed and analyzed (`pg_stat_user_tables`, `pg_class`). */
export interface TableActivity {
  /** The planner's row estimate; below 0 while the table was never vacuumed or analyzed. */
  reltuples: number;
  deadTuples: number;
  insertedSinceVacuum: number;
  modifiedSinceAnalyze: number;
}

/**
 * Whether autovacuum would vacuum and analyze a table now: PostgreSQL's own rule (`relation_needs_vacanalyze`, for a
 * table far from wraparound with no storage parameters of its own, as the service's tables are).
 */
export function autovacuumDue(
  table: TableActivity,
  settings: AutovacuumSettings,
): { vacuum: boolean; analyze: boolean } {
  const rows = Math.max(table.reltuples, 0);
  const deadOver = table.deadTuples > settings.vacuumThreshold + settings.vacuumScaleFactor * rows;
  const insertsOver =
    settings.insertThreshold >= 0 &&
    table.insertedSinceVacuum > settings.insertThreshold + settings.insertScaleFactor * rows;
  return {
    vacuum: deadOver || insertsOver,
    analyze: table.modifiedSinceAnalyze > settings.analyzeThreshold + settings.analyzeScaleFactor * rows,
  };
}

/** One table's maintenance in a pass: when it began (`performance.now()`), what ran, and how long it took. */
export interface MaintenanceRun {
  table: string;
  began: number;
  seconds: number;
  vacuum: boolean;
  analyze: boolean;
}

const ACTIVITY = `SELECT c.reltuples, s.n_dead_tup, s.n_ins_since_vacuum, s.n_mod_since_analyze
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.schemaname = current_schema() AND s.relname = ?`;

interface Session {
  query(sql: string): Promise<unknown>;
}

/**
 * PostgreSQL maintained as production maintains it, on a server whose autovacuum may be off (a CI setting; then
 * `ALTER TABLE ... SET (autovacuum_enabled = true)` does nothing). Every `autovacuum_naptime`, as autovacuum's
 * launcher visits a database, it asks the server's statistics which tables autovacuum would take, by the server's
 * own thresholds and scale factors, and runs on one session what it would run, paced as autovacuum paces itself (a
 * manual VACUUM or ANALYZE runs unthrottled, which autovacuum never does, so the session takes autovacuum's cost delay
 * and limit).
 */
export class AutovacuumEmulation {
  readonly runs: MaintenanceRun[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;

  private constructor(
    private readonly db: Knex,
    private readonly session: Session,
    private readonly tables: readonly string[],
    readonly settings: AutovacuumSettings,
    readonly costDelay: string,
    readonly costLimit: number,
    readonly naptimeSeconds: number,
    readonly serverAutovacuum: string,
  ) {}

  static async open(db: Knex, tables: readonly string[]): Promise<AutovacuumEmulation> {
    const setting = async (name: string) => String((await db.raw(`SHOW ${name}`)).rows[0][name]);
    const number = async (name: string) => Number(await setting(name));
    const settings: AutovacuumSettings = {
      vacuumThreshold: await number('autovacuum_vacuum_threshold'),
      vacuumScaleFactor: await number('autovacuum_vacuum_scale_factor'),
      insertThreshold: await number('autovacuum_vacuum_insert_threshold'),
      insertScaleFactor: await number('autovacuum_vacuum_insert_scale_factor'),
      analyzeThreshold: await number('autovacuum_analyze_threshold'),
      analyzeScaleFactor: await number('autovacuum_analyze_scale_factor'),
    };
    const costDelay = await setting('autovacuum_vacuum_cost_delay');
    const autovacuumLimit = await number('autovacuum_vacuum_cost_limit');
    // -1: autovacuum takes vacuum_cost_limit's value.
    const costLimit = autovacuumLimit === -1 ? await number('vacuum_cost_limit') : autovacuumLimit;
    // `SHOW autovacuum_naptime` answers in units (`1min`); pg_settings gives seconds.
    const naptime = Number(
      (await db.raw(`SELECT setting FROM pg_settings WHERE name = 'autovacuum_naptime'`)).rows[0].setting,
    );
    const session = (await db.client.acquireConnection()) as Session;
    await session.query(`SET vacuum_cost_delay = '${costDelay}'`);
    await session.query(`SET vacuum_cost_limit = ${costLimit}`);
    return new AutovacuumEmulation(
      db,
      session,
      tables,
      settings,
      costDelay,
      costLimit,
      naptime,
      await setting('autovacuum'),
    );
  }

  /** Vacuums and analyzes every table now, unthrottled: the seeded data as a production table of that size has been. */
  async settle(): Promise<void> {
    await this.session.query('SET vacuum_cost_delay = 0');
    for (const table of this.tables) await this.session.query(`VACUUM ANALYZE ${table}`);
    await this.session.query(`SET vacuum_cost_delay = '${this.costDelay}'`);
  }

  /** Visits the tables every naptime from now on. */
  start(): void {
    this.timer = setInterval(() => {
      this.pass ??= this.visit().finally(() => {
        this.pass = undefined;
      });
    }, this.naptimeSeconds * 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
    await this.db.client.releaseConnection(this.session);
  }

  private async visit(): Promise<void> {
    for (const table of this.tables) {
      const rows = (await this.db.raw(ACTIVITY, [table])).rows as Array<Record<string, string>>;
      if (rows.length === 0) continue;
      const row = rows[0]!;
      const due = autovacuumDue(
        {
          reltuples: Number(row.reltuples),
          deadTuples: Number(row.n_dead_tup),
          insertedSinceVacuum: Number(row.n_ins_since_vacuum),
          modifiedSinceAnalyze: Number(row.n_mod_since_analyze),
        },
        this.settings,
      );
      if (!due.vacuum && !due.analyze) continue;
      const began = performance.now();
      const statement = due.vacuum ? `VACUUM${due.analyze ? ' (ANALYZE)' : ''}` : 'ANALYZE';
      await this.session.query(`${statement} ${table}`);
      this.runs.push({ table, began, seconds: (performance.now() - began) / 1000, ...due });
    }
  }
}
