import { type Campaign, type CampaignId, CampaignStateImpossible, DomainError } from '../../domain/index.js';
import { ApplicationError } from '../application-errors.js';
import { changeCampaign, ONE_CHANGE } from '../campaign-change.js';
import type { CampaignReader } from '../ports/campaign-reader.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import type { UseCase } from '../use-case.js';

export const SCHEDULER_ACTOR = 'scheduler';

export interface ScheduleRun {
  started: string[];
  completed: string[];
  /** Campaigns another writer (a manual call, another instance) changed first. */
  skipped: string[];
  /** Campaigns whose stored state breaks the invariants: left alone, so the others still run. */
  impossible: string[];
  /**
   * Campaigns whose change failed otherwise (the database refused to write it, say a value out of its column's
   * range): left behind until the next run, with the error, so the others still run.
   */
  failed: Array<{ id: string; error: unknown }>;
}

const BATCH = 100;

/** What became of one due campaign. */
type Outcome = { kind: 'started' | 'completed' | 'skipped' | 'impossible' } | { kind: 'failed'; error: unknown };

/** What a run is told: when to end early, between two batches of campaigns (the service is stopping). */
export interface ScheduleRunRequest {
  stopped?: () => boolean;
}

/**
 * Starts scheduled campaigns whose start time has come and completes those whose end time has passed, in
 * start-time order a batch at a time (the campaigns of a batch side by side), until nothing is due or the request
 * says the run is stopped. Each campaign changes in its own transaction with the same conditional write as a manual
 * start, so racing a manual call or another instance's schedule is harmless; one that cannot be changed (an
 * impossible state, a write the database refuses) is left behind and the run goes on.
 * A run fails when it cannot read what is due, or when a hundred campaigns in a row fail (the database does).
 */
export class RunSchedule implements UseCase<ScheduleRunRequest | undefined, ScheduleRun> {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly reader: CampaignReader,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  async execute(request: ScheduleRunRequest = {}): Promise<ScheduleRun> {
    const dueAsOf = this.clock.now();
    const run: ScheduleRun = { started: [], completed: [], skipped: [], impossible: [], failed: [] };
    const seen = new Set<string>();
    let failedInARow = 0;
    for (;;) {
      // A campaign left alone (impossible, failed, or changed by another writer) may still be due and come back
      // first: the batch is read past as many of them as there are, so the ones after them still run.
      const leftBehind = run.skipped.length + run.impossible.length + run.failed.length;
      const due = (await this.reader.findDue(dueAsOf, BATCH + leftBehind)).filter((id) => !seen.has(id.toString()));
      if (due.length === 0 || request.stopped?.()) return run;
      for (const id of due) seen.add(id.toString());
      // The batch's campaigns change side by side, each in a unit of its own: the database gathers their writes
      // into a few commits (one sync on SQLite, one statement on PostgreSQL) where one after the other made a commit
      // each. Their outcomes are counted in the batch's order.
      const outcomes = await Promise.all(due.map((id) => this.outcomeFor(id)));
      for (const [i, outcome] of outcomes.entries()) {
        const id = due[i]!.toString();
        if (outcome.kind === 'failed') run.failed.push({ id, error: outcome.error });
        else run[outcome.kind].push(id);
        failedInARow = outcome.kind === 'failed' ? failedInARow + 1 : 0;
        // A whole batch's worth of failures in a row is the database failing, not the campaigns: the run ends
        // rather than try every due campaign against it, and the next one starts again.
        if (failedInARow === BATCH) throw run.failed.at(-1)!.error;
      }
    }
  }

  private async outcomeFor(id: CampaignId): Promise<Outcome> {
    try {
      const outcome = await this.unitOfWork.run(async (tx) => {
        let done: 'started' | 'completed' | 'skipped' = 'skipped';
        // Due as of the run's start, changed as of now: a long run must not stamp a change before the changes
        // other writers made to the campaign meanwhile.
        await changeCampaign(tx, id, (campaign) => {
          done = this.decide(campaign, this.clock.now());
        });
        return done;
      }, ONE_CHANGE);
      return { kind: outcome };
    } catch (error) {
      if (error instanceof CampaignStateImpossible) return { kind: 'impossible' };
      if (error instanceof DomainError || error instanceof ApplicationError || error instanceof NothingDue)
        return { kind: 'skipped' };
      // One campaign the database will not write must not hold up every campaign due after it, run after run.
      return { kind: 'failed', error };
    }
  }

  private decide(campaign: Campaign, now: Date): 'started' | 'completed' {
    const act = { now, eventId: this.ids.newEventId(), by: SCHEDULER_ACTOR };
    if (campaign.isDueForCompletion(now)) {
      campaign.complete(act);
      return 'completed';
    }
    if (!campaign.isDueToStart(now)) throw new NothingDue();
    campaign.start({ ...act, trigger: 'schedule' });
    return 'started';
  }
}

/** The campaign changed since it was found due (another writer acted on it first). */
class NothingDue extends Error {}
