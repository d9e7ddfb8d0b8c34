import type { CreateCampaignCommand } from '../../application/index.js';
import { CampaignId, CampaignInvalid, type CampaignChanges, type FieldProblem } from '../../domain/index.js';
import { RequestRefused } from './request-refused.js';
import { storableText } from './storable-text-field.js';
import { parseVoltMxDate, VOLT_MX_DATE_FORMAT, zoneOffsetMinutes } from './volt-mx-dates.js';

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

type Problem = (field: string, message: string) => void;

/** The body of a create: every field checked, every bad one named at once. Unknown fields are ignored. */
export function createCampaignInput(body: unknown, actor: string): CreateCampaignCommand {
  const fields = jsonObject(body);
  const problems: FieldProblem[] = [];
  const problem: Problem = (field, message) => problems.push({ field, message });
  if (fields.name === undefined || fields.name === null) problem('name', 'is required');
  const changes = readChanges(fields, problem);
  const id = optionalId(fields.id, problem);
  if (problems.length > 0) throw new CampaignInvalid(problems);
  return { actor, ...changes, name: changes.name!, ...(id !== undefined ? { id } : {}) };
}

/** The body of a modify: only the fields present change (`null` clears an optional one). */
export function modifyCampaignInput(body: unknown): CampaignChanges {
  const fields = jsonObject(body);
  const problems: FieldProblem[] = [];
  const changes = readChanges(fields, (field, message) => problems.push({ field, message }));
  if (fields.name === null) problems.push({ field: 'name', message: 'cannot be removed' });
  if (fields.id !== undefined && fields.id !== null) problems.push({ field: 'id', message: 'cannot be changed' });
  if (problems.length > 0) throw new CampaignInvalid(problems);
  return changes;
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestRefused('INVALID_REQUEST', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function readChanges(fields: Record<string, unknown>, problem: Problem): CampaignChanges {
  const changes: CampaignChanges = {};
  const { name, description, status } = fields;
  if (name !== undefined && name !== null) {
    const text = storableText(name, 'name', problem);
    if (text === '') problem('name', 'must be 1 to 255 characters');
    else if (text !== undefined) changes.name = text;
  }
  if (description !== undefined) {
    const text = description === null ? null : storableText(description, 'description', problem);
    if (text !== undefined) changes.description = text;
  }
  if (status !== undefined && status !== null) {
    if (status !== 'draft' && status !== 'scheduled') problem('status', 'must be "draft" or "scheduled"');
    else changes.status = status;
  }
  const offset = readZone(fields, changes, problem);
  for (const [iso, volt] of [['startAt', 'startDateStr'], ['endAt', 'endDateStr']] as const) {
    const instant = readInstant(fields, iso, volt, offset, problem);
    if (instant !== undefined) changes[iso] = instant;
  }
  return changes;
}

function readZone(fields: Record<string, unknown>, changes: CampaignChanges, problem: Problem): number {
  const zone = fields.zone;
  if (zone === undefined || zone === null) {
    if (zone === null) changes.zone = null;
    return 0;
  }
  const text = storableText(zone, 'zone', problem);
  if (text === undefined) return 0;
  const offset = zoneOffsetMinutes(text);
  if (offset === undefined) {
    problem('zone', 'must look like "(GMT+04:30) Kabul" or "(GMT) UTC"');
    return 0;
  }
  changes.zone = text;
  return offset;
}

/** An instant from the ISO field or the Volt MX field; undefined when absent, null when cleared. */
function readInstant(
  fields: Record<string, unknown>,
  isoField: string,
  voltField: string,
  offsetMinutes: number,
  problem: Problem,
): Date | null | undefined {
  const iso = fields[isoField];
  const volt = fields[voltField];
  if (iso !== undefined && volt !== undefined && iso !== null && volt !== null) {
    problem(isoField, `give either ${isoField} or ${voltField}, not both`);
    return undefined;
  }
  if (iso !== undefined && iso !== null) {
    const instant = typeof iso === 'string' ? parseIso(iso) : undefined;
    if (instant === undefined) {
      problem(isoField, 'must be an ISO-8601 date-time with an offset, e.g. 2030-05-24T16:38:51Z or 2030-05-24T21:08:51+04:30');
    }
    return instant;
  }
  if (volt !== undefined && volt !== null) {
    const instant = typeof volt === 'string' ? parseVoltMxDate(volt, offsetMinutes) : undefined;
    if (instant === undefined) problem(voltField, `must be in the format ${VOLT_MX_DATE_FORMAT}, e.g. 05/24/2030 04:38:51 PM`);
    return instant;
  }
  return iso === null || volt === null ? null : undefined;
}

function parseIso(text: string): Date | undefined {
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

function optionalId(value: unknown, problem: Problem): CampaignId | undefined {
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
