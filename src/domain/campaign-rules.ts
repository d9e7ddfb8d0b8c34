import type { FieldProblem } from './domain-errors.js';
import { storableTextProblem } from './storable-text.js';

export const NAME_MAX_LENGTH = 255;
export const DESCRIPTION_MAX_LENGTH = 10_000;
export const ZONE_MAX_LENGTH = 64;
/** Who acted (a token's subject): stored as createdBy, updatedBy and the owner of idempotency keys. */
export const ACTOR_MAX_LENGTH = 255;
/** Any other stored text: the size of a varchar column. */
export const TEXT_MAX_LENGTH = 255;

const TEXT_LIMITS: Readonly<Record<string, number>> = {
  name: NAME_MAX_LENGTH,
  description: DESCRIPTION_MAX_LENGTH,
  zone: ZONE_MAX_LENGTH,
  createdBy: ACTOR_MAX_LENGTH,
  updatedBy: ACTOR_MAX_LENGTH,
};

/** The most code points a stored text field may hold. */
export function maxTextLength(field: string): number {
  return TEXT_LIMITS[field] ?? TEXT_MAX_LENGTH;
}

/**
 * Every text among `fields` (nested in arrays and objects too) checked against the storable-text rules with the
 * limit of its top-level field; each problem names where the text is (`name`, `tags[2]`, `content.title`).
 */
export function textProblems(fields: object, limitOf: (field: string) => number = maxTextLength): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const visit = (value: unknown, path: string, limit: number): void => {
    if (typeof value === 'string') {
      const message = storableTextProblem(value, limit);
      if (message !== undefined) problems.push({ field: path, message });
    } else if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${path}[${index}]`, limit);
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) visit(item, `${path}.${key}`, limit);
    }
  };
  for (const [field, value] of Object.entries(fields)) visit(value, field, limitOf(field));
  return problems;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

export interface Schedule {
  name: string;
  startAt: Date | null;
  endAt: Date | null;
}

/**
 * The end of a campaign's window must not come before its start. It may be the same instant, as the original takes
 * it (its only refusal of the two dates is an end date before the start date): such a window ends as it begins, so
 * the schedule completes the campaign unstarted when it comes, and a start by hand must come before it.
 */
export function endsBeforeItStarts({ startAt, endAt }: Pick<Schedule, 'startAt' | 'endAt'>): boolean {
  return startAt !== null && endAt !== null && endAt < startAt;
}

/**
 * What is wrong with a campaign's name and dates. Dates may lie in the past, as the original takes them: the schedule
 * starts a campaign whose start date has come and completes one whose end date has passed, at its next run. Only the
 * dates a restart schedules a new run with must lie ahead (`aheadRequired`).
 */
export function scheduleProblems(schedule: Schedule, now: Date, aheadRequired: boolean): FieldProblem[] {
  const { name, startAt, endAt } = schedule;
  const problems: FieldProblem[] = [];
  if (name.trim().length === 0) problems.push({ field: 'name', message: 'must not be blank' });
  if (aheadRequired && startAt !== null && startAt <= now) {
    problems.push({ field: 'startAt', message: 'must be in the future' });
  }
  if (!endsBeforeItStarts(schedule) && aheadRequired && endAt !== null && endAt <= now) {
    problems.push({ field: 'endAt', message: 'must be in the future' });
  }
  return problems;
}
