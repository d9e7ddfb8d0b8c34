import type { CreateCampaignCommand } from '../../application/index.js';
import { CampaignId, CampaignInvalid, type FieldProblem } from '../../domain/index.js';
import { RequestRefused } from './request-refused.js';

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Turns a create body into a command, naming every field that is wrong. Unknown fields are ignored. */
export function createCampaignInput(body: unknown, actor: string): CreateCampaignCommand {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestRefused('INVALID_REQUEST', 'The request body must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });

  const name = fields.name;
  if (name === undefined || name === null) problem('name', 'is required');
  else if (typeof name !== 'string') problem('name', 'must be a string');
  else if (name.length < 1 || name.length > 255) problem('name', 'must be 1 to 255 characters');

  const description = fields.description;
  if (description !== undefined && description !== null && typeof description !== 'string') {
    problem('description', 'must be a string or null');
  }
  const status = fields.status;
  if (status !== undefined && status !== null && status !== 'draft' && status !== 'scheduled') {
    problem('status', 'must be "draft" or "scheduled"');
  }
  const startAt = optionalInstant(fields, 'startAt', problem);
  const endAt = optionalInstant(fields, 'endAt', problem);
  const id = optionalId(fields.id, problem);

  if (problems.length > 0) throw new CampaignInvalid(problems);
  return {
    actor,
    name: name as string,
    description: (description as string | null | undefined) ?? null,
    status: (status as 'draft' | 'scheduled' | null | undefined) ?? 'scheduled',
    startAt,
    endAt,
    ...(id !== undefined ? { id } : {}),
  };
}

function optionalInstant(
  fields: Record<string, unknown>,
  field: string,
  problem: (field: string, message: string) => void,
): Date | null {
  const value = fields[field];
  if (value === undefined || value === null) return null;
  const instant = typeof value === 'string' ? parseInstant(value) : undefined;
  if (instant === undefined) {
    problem(field, 'must be an ISO-8601 date-time with an offset, e.g. 2030-05-24T16:38:51Z or 2030-05-24T21:08:51+04:30');
    return null;
  }
  return instant;
}

function parseInstant(text: string): Date | undefined {
  const parts = ISO_WITH_OFFSET.exec(text);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = parts.map(Number);
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const fieldsValid =
    month! >= 1 && month! <= 12 && day! >= 1 && day! <= daysInMonth && hour! <= 23 && minute! <= 59 &&
    (Number.isNaN(second) || second! <= 59) && (Number.isNaN(offsetHours) || offsetHours! <= 23) &&
    (Number.isNaN(offsetMinutes) || offsetMinutes! <= 59);
  const instant = new Date(text);
  return fieldsValid && !Number.isNaN(instant.getTime()) ? instant : undefined;
}

function optionalId(value: unknown, problem: (field: string, message: string) => void): CampaignId | undefined {
  if (value === undefined || value === null) return undefined;
  const decimal =
    typeof value === 'string' ? value
    : typeof value === 'bigint' ? value.toString()
    : typeof value === 'number' && Number.isSafeInteger(value) ? String(value)
    : undefined;
  if (decimal === undefined || !CampaignId.isCanonical(decimal)) {
    const hint = typeof value === 'bigint' && value > MAX_SAFE ? ' (send large ids as strings)' : '';
    problem('id', `must be a positive 64-bit integer (1 to 9223372036854775807) as a string or number${hint}`);
    return undefined;
  }
  return CampaignId.parse(decimal);
}
