import { type CampaignContent, CONTENT_PARTS, contentProblems, EMPTY_CONTENT, samePart } from './campaign-content.js';
import type { CampaignEvent, StartTrigger } from './campaign-events.js';
import type { CampaignId } from './campaign-id.js';
import { invariantViolations } from './campaign-invariants.js';
import { scheduleProblems, textProblems } from './campaign-rules.js';
import type { CampaignStatus } from './campaign-status.js';
import {
  type CampaignAction,
  CampaignExpired,
  CampaignInvalid,
  CampaignNotDueForCompletion,
  CampaignStateImpossible,
  ChangesRequired,
  type FieldProblem,
  transitionRefused,
} from './domain-errors.js';
import { AggregateRoot } from './domain-event.js';

export { ACTOR_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, NAME_MAX_LENGTH, ZONE_MAX_LENGTH } from './campaign-rules.js';

export interface CampaignSnapshot {
  id: CampaignId;
  name: string;
  description: string | null;
  status: CampaignStatus;
  startAt: Date | null;
  endAt: Date | null;
  /** The Volt MX time zone the dates were given in, e.g. "(GMT+04:30) Kabul"; display only. */
  zone: string | null;
  startedAt: Date | null;
  pausedAt: Date | null;
  terminatedAt: Date | null;
  completedAt: Date | null;
  /** The audience, the messages and the channel order; a start hands them to the senders as they are then. */
  content: CampaignContent;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
  /** Bumped by every change; the repository writes only if it still holds the version that was read. */
  version: number;
}

export interface NewCampaign {
  id: CampaignId;
  name: string;
  description?: string | null;
  status?: 'draft' | 'scheduled';
  startAt?: Date | null;
  endAt?: Date | null;
  zone?: string | null;
  content?: Partial<CampaignContent>;
  createdBy: string;
}

/** A partial update: a field that is absent keeps its value, `null` clears it. */
export interface CampaignChanges {
  name?: string;
  description?: string | null;
  startAt?: Date | null;
  endAt?: Date | null;
  zone?: string | null;
  status?: 'draft' | 'scheduled';
  /** The parts given replace the stored ones; the others are kept. */
  content?: Partial<CampaignContent>;
}

/** Kept by change() itself, never set by a verb: who the campaign is, who made it and when, its version. */
type KeptByChange = 'id' | 'version' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy';

/** What a verb may change; the fields change() keeps are typed `never`, so not even a whole snapshot passes. */
type ChangeableFields = { [K in keyof CampaignSnapshot]?: K extends KeptByChange ? never : CampaignSnapshot[K] };

const NO_MOMENTS = { startedAt: null, pausedAt: null, terminatedAt: null, completedAt: null } as const;

/** Who does what, when, under which event id. */
export interface Act {
  now: Date;
  eventId: string;
  by: string;
}

/** A start: who, when, under which event id, and whether a person or the schedule started it. */
export interface StartAct extends Act {
  trigger: StartTrigger;
}

/** The transition table: the statuses each action is allowed from. */
const ALLOWED_FROM: Readonly<Record<CampaignAction, readonly CampaignStatus[]>> = {
  start: ['scheduled'],
  pause: ['running'],
  resume: ['paused'],
  terminate: ['running', 'paused'],
  modify: ['draft', 'scheduled', 'paused'],
  restart: ['draft', 'scheduled', 'paused', 'terminated', 'completed'],
  delete: ['draft', 'scheduled', 'paused'],
  complete: ['scheduled', 'running', 'paused'],
};

/** The statuses `action` is allowed from. */
export function allowedFrom(action: CampaignAction): readonly CampaignStatus[] {
  return ALLOWED_FROM[action];
}

export class Campaign extends AggregateRoot<CampaignEvent> {
  private deleted = false;

  private constructor(private state: CampaignSnapshot) {
    super();
  }

  static create(input: NewCampaign, now: Date): Campaign {
    const schedule = {
      name: input.name,
      description: input.description ?? null,
      startAt: input.startAt ?? null,
      endAt: input.endAt ?? null,
    };
    const content = { ...EMPTY_CONTENT, ...input.content };
    const state: CampaignSnapshot = {
      id: input.id,
      ...schedule,
      status: input.status ?? 'scheduled',
      zone: input.zone ?? null,
      content,
      startedAt: null,
      pausedAt: null,
      terminatedAt: null,
      completedAt: null,
      createdAt: now,
      createdBy: input.createdBy,
      updatedAt: now,
      updatedBy: input.createdBy,
      version: 1,
    };
    const problems = [
      ...storedTextProblems(state),
      ...scheduleProblems(schedule, now, false),
      ...contentProblems(content),
      ...invariantViolations(state),
    ];
    if (problems.length > 0) throw new CampaignInvalid(problems);
    return new Campaign(state);
  }

  /** A campaign as storage holds it; a state that breaks the invariants is refused, never loaded. */
  static restore(snapshot: CampaignSnapshot): Campaign {
    const violations = invariantViolations(snapshot);
    if (violations.length > 0) throw new CampaignStateImpossible(snapshot.id.toString(), violations);
    return new Campaign({ ...snapshot });
  }

  get id(): CampaignId {
    return this.state.id;
  }

  get status(): CampaignStatus {
    return this.state.status;
  }

  get version(): number {
    return this.state.version;
  }

  /** True once delete() was accepted: the repository removes the campaign instead of updating it. */
  get isDeleted(): boolean {
    return this.deleted;
  }

  snapshot(): CampaignSnapshot {
    return { ...this.state };
  }

  /**
   * Runs a scheduled campaign now, before its end date, and records CampaignStarted. Started by hand, its start
   * date becomes now, as the original's Start sets it; the scheduler starts it on its start date, which stays.
   */
  start(asked: StartAct): void {
    const act = this.onOwnTime(asked);
    const { startAt, endAt, name, content } = this.state;
    this.allow('start');
    this.refuseIfEnded(act.now, 'be started');
    const schedule = act.trigger === 'manual' ? { startAt: act.now } : {};
    this.change({ status: 'running', startedAt: act.now, ...schedule }, act.now, act.by);
    this.record({
      type: 'CampaignStarted',
      ...this.eventFacts(act),
      scheduledStartAt: startAt,
      trigger: act.trigger,
      startedBy: act.by,
      name,
      endAt,
      content,
    });
  }

  pause(asked: Act): void {
    const act = this.onOwnTime(asked);
    this.allow('pause');
    this.refuseIfEnded(act.now, 'be paused');
    this.change({ status: 'paused', pausedAt: act.now }, act.now, act.by);
    this.record({ type: 'CampaignPaused', ...this.eventFacts(act), pausedBy: act.by });
  }

  resume(asked: Act): void {
    const act = this.onOwnTime(asked);
    this.allow('resume');
    this.refuseIfEnded(act.now, 'be resumed');
    // pausedAt keeps the last pause: the original's pausedDateStr is "" only for a pause that never happened.
    this.change({ status: 'running' }, act.now, act.by);
    this.record({ type: 'CampaignResumed', ...this.eventFacts(act), resumedBy: act.by });
  }

  terminate(asked: Act): void {
    const act = this.onOwnTime(asked);
    const previousStatus = this.allow('terminate');
    // Its end date passed, it has ended: the scheduler records it completed, as the original has it.
    this.refuseIfEnded(act.now, 'be terminated');
    this.change({ status: 'terminated', terminatedAt: act.now }, act.now, act.by);
    this.record({ type: 'CampaignTerminated', ...this.eventFacts(act), terminatedBy: act.by, previousStatus });
  }

  /** Changes the details of a draft, scheduled or paused campaign; a field that is absent keeps its value. */
  modify(changes: CampaignChanges, asked: Act): void {
    const act = this.onOwnTime(asked);
    this.allow('modify');
    this.changeDetails(changes, act, false);
  }

  /**
   * Lets a terminated or completed campaign run again: back to scheduled (or to draft, when `changes` says so)
   * with the changes given, if any, and its moments cleared. A campaign that has not ended is modified instead,
   * and needs changes as a modify does.
   */
  restart(changes: CampaignChanges | undefined, asked: Act): void {
    const act = this.onOwnTime(asked);
    const previousStatus = this.allow('restart');
    const ended = previousStatus === 'terminated' || previousStatus === 'completed';
    if (!ended && changes === undefined) throw new ChangesRequired(this.state.id.toString(), previousStatus);
    this.changeDetails(changes ?? {}, act, ended);
  }

  delete(asked: Act): void {
    const act = this.onOwnTime(asked);
    const previousStatus = this.allow('delete');
    this.deleted = true;
    this.change({}, act.now, act.by);
    this.record({ type: 'CampaignDeleted', ...this.eventFacts(act), deletedBy: act.by, previousStatus });
  }

  /** True when a scheduled campaign's start time has come. */
  isDueToStart(now: Date): boolean {
    const { status, startAt } = this.state;
    return status === 'scheduled' && startAt !== null && now >= startAt;
  }

  /** True when the end date has come for a campaign that is still scheduled, running or paused. */
  isDueForCompletion(now: Date): boolean {
    const { status, endAt } = this.state;
    return endAt !== null && now >= endAt && (status === 'scheduled' || status === 'running' || status === 'paused');
  }

  /**
   * Ends a campaign whose end date has come. A campaign still scheduled then never ran: its whole window passed
   * (while the service was down, or before it was created or published), and its event says so.
   */
  complete(asked: Act): void {
    const act = this.onOwnTime(asked);
    const { id, status, endAt } = this.state;
    this.allow('complete');
    if (!this.isDueForCompletion(act.now)) throw new CampaignNotDueForCompletion(id.toString(), status, endAt);
    const started = status !== 'scheduled';
    this.change({ status: 'completed', completedAt: act.now }, act.now, act.by);
    this.record({ type: 'CampaignCompleted', ...this.eventFacts(act), endAt: endAt!, previousStatus: status, started });
  }

  /**
   * The act as of the campaign's own time, which never goes back: no earlier than its last change. A clock stepped
   * back, or an instance whose clock lags the one that changed the campaign last, would otherwise stamp a change and
   * its event before the change they follow (a pause before the start it pauses).
   */
  private onOwnTime<A extends Act>(asked: A): A {
    const { updatedAt } = this.state;
    return asked.now < updatedAt ? { ...asked, now: new Date(updatedAt) } : asked;
  }

  private allow(action: CampaignAction): CampaignStatus {
    const { id, status } = this.state;
    const allowedFrom = ALLOWED_FROM[action];
    if (!allowedFrom.includes(status)) throw transitionRefused(id.toString(), action, status, allowedFrom);
    return status;
  }

  private refuseIfEnded(now: Date, action: string): void {
    const { id, status, endAt } = this.state;
    if (endAt !== null && now >= endAt) throw new CampaignExpired(id.toString(), status, endAt, action);
  }

  private validateModification(changes: CampaignChanges, next: CampaignSnapshot, now: Date, restarting: boolean): void {
    const problems = [
      ...storedTextProblems(changes),
      // A restart schedules a new run: its dates lie ahead (a start date it keeps that has passed is cleared already).
      ...scheduleProblems(next, now, restarting),
    ];
    if (changes.content !== undefined) problems.push(...contentProblems(next.content));
    const status = this.state.status;
    if (
      changes.status !== undefined &&
      changes.status !== status &&
      !restarting &&
      status !== 'draft' &&
      status !== 'scheduled'
    ) {
      problems.push({ field: 'status', message: `cannot change while the campaign is ${status}` });
    } else {
      problems.push(...invariantViolations(next));
    }
    if (problems.length > 0) throw new CampaignInvalid(problems);
  }

  /**
   * Modify and restart alike: the changes are checked as a client's input, and the event names what changed. A
   * modify that changes nothing changes nothing: no new version, no event.
   */
  private changeDetails(changes: CampaignChanges, act: Act, restarting: boolean): void {
    const previousStatus = this.state.status;
    const { content: contentChanges, ...detailChanges } = changes;
    const given = { ...givenDetails(detailChanges), ...(restarting ? this.passedStartCleared(changes, act.now) : {}) };
    const fields: ChangeableFields = {
      ...given,
      content: { ...this.state.content, ...contentChanges },
      ...(restarting ? { status: changes.status ?? 'scheduled', ...NO_MOMENTS } : {}),
    };
    const next: CampaignSnapshot = { ...this.state, ...fields };
    this.validateModification(changes, next, act.now, restarting);
    // A restart changes the status whether or not the changes name it.
    const compared = restarting ? { ...given, status: next.status } : given;
    const changedFields = [
      ...(Object.keys(compared) as Array<keyof typeof compared>).filter(
        (field) => !sameValue(this.state[field], next[field]),
      ),
      ...CONTENT_PARTS.filter((part) => !samePart(this.state.content, next.content, part)),
    ];
    if (!restarting && changedFields.length === 0) return;
    this.change(fields, act.now, act.by);
    if (restarting)
      this.record({
        type: 'CampaignRestarted',
        ...this.eventFacts(act),
        restartedBy: act.by,
        previousStatus,
        changedFields,
      });
    else this.record({ type: 'CampaignModified', ...this.eventFacts(act), modifiedBy: act.by, changedFields });
  }

  /**
   * A restart without a new start date drops one that has passed: it was the last run's, and kept it would make the
   * restarted campaign due at once, so the scheduler would start it again before anyone could change it.
   */
  private passedStartCleared(changes: CampaignChanges, now: Date): { startAt?: null } {
    const { startAt } = this.state;
    const kept = changes.startAt === undefined || sameValue(changes.startAt, startAt);
    return kept && startAt !== null && startAt <= now ? { startAt: null } : {};
  }

  /** Every change goes through here: it stamps who changed the campaign and when, and checks the invariants. */
  private change(fields: ChangeableFields, now: Date, by: string): void {
    const { id, createdAt, createdBy, version } = this.state;
    const next: CampaignSnapshot = {
      ...this.state,
      ...fields,
      id,
      createdAt,
      createdBy,
      updatedAt: now,
      updatedBy: by,
      version: version + 1,
    };
    const violations = invariantViolations(next);
    if (violations.length > 0) throw new CampaignStateImpossible(next.id.toString(), violations);
    this.state = next;
  }

  /** What every event of this campaign carries about the act that caused it. */
  private eventFacts(act: Act) {
    return { eventId: act.eventId, campaignId: this.state.id, occurredAt: act.now };
  }
}

/**
 * The texts a state or a change would store, against the storable-text rules. Content texts are named by their
 * path inside the content (`campaignMessages[0].message`, as clients send them); their lengths are bounded where
 * content is read and by its total size, so here only their characters are checked.
 */
function storedTextProblems(fields: { content?: Partial<CampaignContent> | undefined }): FieldProblem[] {
  const { content, ...rest } = fields;
  return [...textProblems(rest), ...textProblems(content ?? {}, () => Number.POSITIVE_INFINITY)];
}

/** The details a modify may change besides the content. */
const DETAILS: ReadonlySet<string> = new Set([
  'name',
  'description',
  'startAt',
  'endAt',
  'zone',
  'status',
] satisfies Array<keyof CampaignChanges>);

/** The details given, in the order given (the event names them so); anything else a caller slipped in is dropped. */
function givenDetails(changes: Omit<CampaignChanges, 'content'>): Omit<CampaignChanges, 'content'> {
  return Object.fromEntries(
    Object.entries(changes).filter(([field, value]) => DETAILS.has(field) && value !== undefined),
  );
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
