import type { CampaignId } from './campaign-id.js';
import { campaignStarted, type StartTrigger } from './campaign-events.js';
import type { CampaignStatus } from './campaign-status.js';
import { AggregateRoot } from './domain-event.js';
import { CampaignExpired, CampaignInvalid, CampaignNotStartable, type FieldProblem } from './errors.js';

export const NAME_MAX_LENGTH = 255;
export const DESCRIPTION_MAX_LENGTH = 10_000;

export interface CampaignSnapshot {
  id: CampaignId;
  name: string;
  description: string | null;
  status: CampaignStatus;
  startAt: Date | null;
  endAt: Date | null;
  startedAt: Date | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
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
  createdBy: string;
}

export interface StartRequest {
  now: Date;
  eventId: string;
  startedBy: string;
  trigger: StartTrigger;
}

export class Campaign extends AggregateRoot {
  private constructor(private state: CampaignSnapshot) {
    super();
  }

  static create(input: NewCampaign, now: Date): Campaign {
    const description = input.description ?? null;
    const startAt = input.startAt ?? null;
    const endAt = input.endAt ?? null;
    const problems = scheduleProblems(input.name, description, startAt, endAt, now);
    if (problems.length > 0) throw new CampaignInvalid(problems);
    return new Campaign({
      id: input.id,
      name: input.name,
      description,
      status: input.status ?? 'scheduled',
      startAt,
      endAt,
      startedAt: null,
      createdAt: now,
      createdBy: input.createdBy,
      updatedAt: now,
      version: 1,
    });
  }

  static restore(snapshot: CampaignSnapshot): Campaign {
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

  snapshot(): CampaignSnapshot {
    return { ...this.state };
  }

  /** Runs a scheduled campaign now, before its end date, and records CampaignStarted. */
  start(request: StartRequest): void {
    const { id, status, endAt, startAt } = this.state;
    if (status !== 'scheduled') throw new CampaignNotStartable(id.toString(), status);
    if (endAt !== null && request.now >= endAt) throw new CampaignExpired(id.toString(), endAt);
    this.state = {
      ...this.state,
      status: 'running',
      startedAt: request.now,
      updatedAt: request.now,
      version: this.state.version + 1,
    };
    this.record(
      campaignStarted({
        eventId: request.eventId,
        campaignId: id,
        startedAt: request.now,
        scheduledStartAt: startAt,
        trigger: request.trigger,
        startedBy: request.startedBy,
      }),
    );
  }
}

function scheduleProblems(
  name: string,
  description: string | null,
  startAt: Date | null,
  endAt: Date | null,
  now: Date,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (name.trim().length === 0) problems.push({ field: 'name', message: 'must not be blank' });
  if (name.length > NAME_MAX_LENGTH) {
    problems.push({ field: 'name', message: `must be at most ${NAME_MAX_LENGTH} characters` });
  }
  if (description !== null && description.length > DESCRIPTION_MAX_LENGTH) {
    problems.push({ field: 'description', message: `must be at most ${DESCRIPTION_MAX_LENGTH} characters` });
  }
  if (startAt !== null && startAt <= now) problems.push({ field: 'startAt', message: 'must be in the future' });
  if (endAt !== null && startAt !== null && endAt <= startAt) {
    problems.push({ field: 'endAt', message: 'must be after startAt' });
  } else if (endAt !== null && endAt <= now) {
    problems.push({ field: 'endAt', message: 'must be in the future' });
  }
  return problems;
}
