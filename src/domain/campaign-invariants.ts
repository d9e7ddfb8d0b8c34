import { endsBeforeItStarts } from './campaign-rules.js';
import { type CampaignStatus, isCampaignStatus } from './campaign-status.js';
import type { FieldProblem } from './domain-errors.js';

type Moment = 'startedAt' | 'pausedAt' | 'terminatedAt' | 'completedAt';

export interface CampaignState {
  status: CampaignStatus;
  startAt: Date | null;
  endAt: Date | null;
  startedAt: Date | null;
  pausedAt: Date | null;
  terminatedAt: Date | null;
  completedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/**
 * Which moments each status requires (`true`) and forbids (`false`); a moment not listed may be either
 * (a campaign completed while still scheduled never started; once paused, a campaign keeps the moment of its last
 * pause through a resume, a termination or its completion, until a restart clears it).
 */
const MOMENTS_BY_STATUS: Readonly<Record<CampaignStatus, Partial<Record<Moment, boolean>>>> = {
  draft: { startedAt: false, pausedAt: false, terminatedAt: false, completedAt: false },
  scheduled: { startedAt: false, pausedAt: false, terminatedAt: false, completedAt: false },
  running: { startedAt: true, terminatedAt: false, completedAt: false },
  paused: { startedAt: true, pausedAt: true, terminatedAt: false, completedAt: false },
  terminated: { startedAt: true, terminatedAt: true, completedAt: false },
  completed: { completedAt: true, terminatedAt: false },
};

/**
 * The campaign's invariants, stated once: every campaign satisfies them when created, when restored from
 * storage and after every change. Each violation names the field that breaks it.
 */
export function invariantViolations(state: CampaignState): FieldProblem[] {
  const violations: FieldProblem[] = [];
  const { status } = state;
  if (!isCampaignStatus(status)) return [{ field: 'status', message: `is not a campaign status` }];
  for (const [moment, required] of Object.entries(MOMENTS_BY_STATUS[status]) as Array<[Moment, boolean]>) {
    if (required && state[moment] === null) violations.push({ field: moment, message: `is required while ${status}` });
    if (!required && state[moment] !== null)
      violations.push({ field: moment, message: `must be empty while ${status}` });
  }
  for (const field of [
    'startAt',
    'endAt',
    'startedAt',
    'pausedAt',
    'terminatedAt',
    'completedAt',
    'createdAt',
    'updatedAt',
  ] as const) {
    const value = state[field];
    if (value !== null && !(value instanceof Date && !Number.isNaN(value.getTime()))) {
      violations.push({ field, message: 'must be a valid instant' });
    }
  }
  if (endsBeforeItStarts(state)) violations.push({ field: 'endAt', message: 'must not be before startAt' });
  if (!Number.isSafeInteger(state.version) || state.version < 1)
    violations.push({ field: 'version', message: 'must be a positive integer' });
  return violations;
}
