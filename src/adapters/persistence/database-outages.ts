import type { Logger } from 'pino';
import {
  type CampaignHistory,
  type CampaignReader,
  DatabaseUnavailable,
  type UnitOfWork,
} from '../../application/index.js';
import { causeCodes, oneLineCause } from '../logging/one-line-cause.js';
import { isDatabaseUnavailable } from './database-unavailable.js';

/** An outage going on: since when, how many calls it refused, and why, in one line. */
export interface Outage {
  since: Date;
  refused: number;
  cause: string;
}

/**
 * What the service's writes, or its reads, meet of the database: a failure for want of the database becomes
 * DatabaseUnavailable (503), and an outage is logged when it begins and when work is next carried out, not once per
 * request it refuses: a request's own line says it was refused. Writes and reads are watched apart, since a disk that is full
 * or read-only refuses writes while reads go on.
 */
export class DatabaseOutages {
  /** When the outage began, on the wall clock (readiness tells it) and on the monotonic one (how long it lasted). */
  private began: { at: Date; monotonicMs: number } | undefined;
  private refused = 0;
  private cause = '';
  /** The cause as readiness tells it, which needs no token: its classes and codes, not its messages. */
  private causeCodes = '';

  constructor(
    private readonly logger: Logger,
    private readonly what: 'writes' | 'reads',
    private readonly wallClock: () => Date = () => new Date(),
    /** Milliseconds on a clock that never goes back: a step of the wall clock does not lengthen or shorten an outage. */
    private readonly monotonic: () => number = () => performance.now(),
  ) {}

  current(): Outage | undefined {
    if (this.began === undefined) return undefined;
    return { since: this.began.at, refused: this.refused, cause: this.causeCodes };
  }

  watch<T>(work: Promise<T>): Promise<T> {
    return work.then(
      (value) => {
        if (this.began !== undefined) this.ended();
        return value;
      },
      (error: unknown) => {
        // A refusal of the work itself (a campaign that cannot start) may have read, but wrote nothing: only work
        // carried out tells that writes go through again.
        if (error instanceof DatabaseUnavailable || !isDatabaseUnavailable(error)) throw error;
        this.refusedOne(error);
        throw new DatabaseUnavailable(error);
      },
    );
  }

  private refusedOne(cause: unknown): void {
    this.refused++;
    if (this.began !== undefined) return;
    this.began = { at: this.wallClock(), monotonicMs: this.monotonic() };
    this.cause = oneLineCause(cause);
    this.causeCodes = causeCodes(cause);
    this.logger.warn(
      { cause: this.cause },
      `the database does not take ${this.what}: they are answered 503 DATABASE_UNAVAILABLE until it does`,
    );
  }

  private ended(): void {
    this.logger.info(
      { refused: this.refused, outageMs: Math.round(this.monotonic() - this.began!.monotonicMs) },
      `the database takes ${this.what} again`,
    );
    this.began = undefined;
    this.refused = 0;
  }
}

export function watchedUnitOfWork(unitOfWork: UnitOfWork, outages: DatabaseOutages): UnitOfWork {
  return { run: (work, options) => outages.watch(unitOfWork.run(work, options)) };
}

export function watchedCampaignReader(reader: CampaignReader, outages: DatabaseOutages): CampaignReader {
  return {
    findById: (id) => outages.watch(reader.findById(id)),
    list: (query) => outages.watch(reader.list(query)),
    pageBytes: (query) => outages.watch(reader.pageBytes(query)),
    findDue: (now, limit) => outages.watch(reader.findDue(now, limit)),
  };
}

export function watchedCampaignHistory(history: CampaignHistory, outages: DatabaseOutages): CampaignHistory {
  return {
    eventsOf: (id, offset, limit) => outages.watch(history.eventsOf(id, offset, limit)),
    pageBytes: (id, offset, limit) => outages.watch(history.pageBytes(id, offset, limit)),
  };
}
