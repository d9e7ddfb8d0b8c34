import type { FieldProblem } from './errors.js';

export const NAME_MAX_LENGTH = 255;
export const DESCRIPTION_MAX_LENGTH = 10_000;

export interface Schedule {
  name: string;
  description: string | null;
  startAt: Date | null;
  endAt: Date | null;
}

/**
 * What is wrong with a campaign's name and dates. Only dates that are being set now must lie in the future:
 * a campaign that keeps its old start date may be modified after that date has passed.
 */
export function scheduleProblems(
  schedule: Schedule,
  now: Date,
  newlySet: { startAt: boolean; endAt: boolean },
): FieldProblem[] {
  const { name, description, startAt, endAt } = schedule;
  const problems: FieldProblem[] = [];
  if (name.trim().length === 0) problems.push({ field: 'name', message: 'must not be blank' });
  if (name.length > NAME_MAX_LENGTH) {
    problems.push({ field: 'name', message: `must be at most ${NAME_MAX_LENGTH} characters` });
  }
  if (description !== null && description.length > DESCRIPTION_MAX_LENGTH) {
    problems.push({ field: 'description', message: `must be at most ${DESCRIPTION_MAX_LENGTH} characters` });
  }
  if (newlySet.startAt && startAt !== null && startAt <= now) {
    problems.push({ field: 'startAt', message: 'must be in the future' });
  }
  if (endAt !== null && startAt !== null && endAt <= startAt) {
    problems.push({ field: 'endAt', message: 'must be after startAt' });
  } else if (newlySet.endAt && endAt !== null && endAt <= now) {
    problems.push({ field: 'endAt', message: 'must be in the future' });
  }
  return problems;
}
