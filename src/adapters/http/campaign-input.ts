import type { CreateCampaignCommand } from '../../application/index.js';
import {
  type CampaignChanges,
  CampaignId,
  CampaignInvalid,
  type CampaignSnapshot,
  type FieldProblem,
} from '../../domain/index.js';
import { type Problem, readContent } from './campaign-content-input.js';
import { originalCampaign, serviceCampaign } from './campaign-json.js';
import { RequestRefused } from './request-refused.js';
import { storableText } from './storable-text-field.js';
import { parseVoltMxDate, VOLT_MX_DATE_FORMAT, zoneOffsetMinutes } from './volt-mx-dates.js';

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The status a create or modify may ask for, in the original's spellings and the service's own. */
const PUBLISHING: Record<string, 'draft' | 'scheduled'> = {
  Draft: 'draft',
  draft: 'draft',
  Pending: 'scheduled',
  Running: 'scheduled',
  scheduled: 'scheduled',
};

/**
 * Fields a client reads but cannot write. A modify may carry them back unchanged (a client that posts the whole
 * object it read) or as null (a client object whose field was never set); a different value is refused, naming
 * the field.
 */
const READ_ONLY_FIELDS = [
  'createdAt',
  'createdBy',
  'createdDateStr',
  'updatedAt',
  'updatedBy',
  'lastModifiedBy',
  'lastModifiedDateStr',
  'startedAt',
  'pausedAt',
  'pausedDateStr',
  'terminatedAt',
  'terminatedDateStr',
  'completedAt',
  'version',
] as const;

/** A create or modify body read: what it asks for, and under which names the client gave the dates. */
export interface ReadBody<T> {
  input: T;
  /** The domain's field names mapped to the names this client used, so that errors speak the client's words. */
  fieldNames: Record<string, string>;
}

/** The body of a create: every field checked, every bad one named at once. Unknown top-level fields are ignored. */
export function createCampaignInput(body: unknown, actor: string): ReadBody<CreateCampaignCommand> {
  const fields = jsonObject(body);
  const problems: FieldProblem[] = [];
  const problem: Problem = (field, message) => problems.push({ field, message });
  if (fields.name === undefined || fields.name === null) problem('name', 'is required');
  const changes = readChanges(fields, problem);
  const status = fields.status;
  if (status !== undefined && status !== null) {
    const publishing = typeof status === 'string' ? PUBLISHING[status] : undefined;
    if (publishing === undefined)
      problem('status', 'must be Draft, Pending or Running (a create never starts a campaign)');
    else changes.status = publishing;
  }
  const id = optionalId(fields.id, problem);
  if (problems.length > 0) throw new CampaignInvalid(problems);
  return {
    input: { actor, ...changes, name: changes.name!, ...(id !== undefined ? { id } : {}) },
    fieldNames: fieldNamesOf(fields),
  };
}

/**
 * The body of a modify: only the fields present change (`null` clears an optional one). Bad fields are refused
 * here, before any work; what a read-only field or a status means depends on the campaign as stored (sent back
 * unchanged, or spelled as read), so the answer is a function of the stored campaign, applied inside the change.
 * The `id`, which the path names, is checked here.
 */
export function modifyCampaignInput(
  body: unknown,
  campaignId: CampaignId,
): ReadBody<(current: CampaignSnapshot) => CampaignChanges> {
  const fields = jsonObject(body);
  const problems: FieldProblem[] = [];
  const changes = readChanges(fields, (field, message) => problems.push({ field, message }));
  if (fields.name === null) problems.push({ field: 'name', message: 'cannot be removed' });
  const id = fields.id;
  if (id !== undefined && id !== null && String(id) !== campaignId.toString()) {
    problems.push({ field: 'id', message: 'cannot be changed (send it as read, or leave it out)' });
  }
  if (problems.length > 0) throw new CampaignInvalid(problems);
  const resolve = (current: CampaignSnapshot): CampaignChanges => {
    const shown = [originalCampaign(current), serviceCampaign(current)] as Array<Record<string, unknown>>;
    const refused: FieldProblem[] = [];
    for (const field of READ_ONLY_FIELDS) {
      const value = fields[field];
      if (value !== undefined && value !== null && !shown.some((view) => sameJson(view[field], value))) {
        refused.push({ field, message: 'cannot be changed (send it as read, or leave it out)' });
      }
    }
    const resolved = { ...changes };
    const status = fields.status;
    if (status !== undefined && status !== null && !shown.some((view) => view.status === status)) {
      const publishing = typeof status === 'string' ? PUBLISHING[status] : undefined;
      if (publishing === undefined)
        refused.push({ field: 'status', message: `cannot be set to ${String(status)} by modify (use the verbs)` });
      else resolved.status = publishing;
    }
    if (refused.length > 0) throw new CampaignInvalid(refused);
    return resolved;
  };
  return { input: resolve, fieldNames: fieldNamesOf(fields) };
}

/** Speaks the client's words in a refusal: a date given as startDateStr is reported as startDateStr. */
export function inClientTerms(error: unknown, fieldNames: Record<string, string>): unknown {
  if (!(error instanceof CampaignInvalid) || Object.keys(fieldNames).length === 0) return error;
  const rename = (text: string) => text.replace(/\b(startAt|endAt)\b/g, (name) => fieldNames[name] ?? name);
  return new CampaignInvalid(error.problems.map((p) => ({ field: rename(p.field), message: rename(p.message) })));
}

function fieldNamesOf(fields: Record<string, unknown>): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [iso, volt] of [
    ['startAt', 'startDateStr'],
    ['endAt', 'endDateStr'],
  ] as const) {
    if (fields[iso] === undefined && fields[volt] !== undefined) names[iso] = volt;
  }
  return names;
}

function sameJson(shown: unknown, sent: unknown): boolean {
  if (typeof sent === 'bigint' || (typeof sent === 'number' && typeof shown === 'bigint'))
    return String(sent) === String(shown);
  if (typeof shown === 'bigint') return typeof sent === 'string' ? false : String(sent) === String(shown);
  return shown === sent;
}

function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestRefused('INVALID_REQUEST', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function readChanges(fields: Record<string, unknown>, problem: Problem): CampaignChanges {
  const changes: CampaignChanges = {};
  const { name, description } = fields;
  if (name !== undefined && name !== null) {
    const text = storableText(name, 'name', problem);
    if (text === '') problem('name', 'must be 1 to 255 characters');
    else if (text !== undefined) changes.name = text;
  }
  if (description !== undefined) {
    const text = description === null ? null : storableText(description, 'description', problem);
    if (text !== undefined) changes.description = text;
  }
  const offset = readZone(fields, changes, problem);
  for (const [iso, volt] of [
    ['startAt', 'startDateStr'],
    ['endAt', 'endDateStr'],
  ] as const) {
    const instant = readInstant(fields, iso, volt, offset, problem);
    if (instant !== undefined) changes[iso] = instant;
  }
  const content = readContent(fields, problem);
  if (Object.keys(content).length > 0) changes.content = content;
  return changes;
}

function readZone(fields: Record<string, unknown>, changes: CampaignChanges, problem: Problem): number {
  const zone = fields.zone;
  if (zone === undefined) return 0;
  if (zone === null || zone === '') {
    changes.zone = null;
    return 0;
  }
  const text = storableText(zone, 'zone', problem);
  if (text === undefined) return 0;
  const offset = zoneOffsetMinutes(text);
  if (offset === undefined) {
    problem('zone', 'must look like "(GMT+04:30) Kabul", "(GMT) Casablanca" or "GMT-05:00"');
    return 0;
  }
  changes.zone = text;
  return offset;
}

/**
 * An instant from the ISO field or the Volt MX field (both may be given when they name the same instant);
 * undefined when absent, null when cleared.
 */
function readInstant(
  fields: Record<string, unknown>,
  isoField: string,
  voltField: string,
  offsetMinutes: number,
  problem: Problem,
): Date | null | undefined {
  const iso = present(fields[isoField]);
  const volt = present(fields[voltField]);
  let fromIso: Date | undefined;
  let fromVolt: Date | undefined;
  if (iso !== undefined) {
    fromIso = typeof iso === 'string' ? parseIso(iso) : undefined;
    if (fromIso === undefined) {
      problem(
        isoField,
        'must be an ISO-8601 date-time with an offset, e.g. 2030-05-24T16:38:51Z or 2030-05-24T21:08:51+04:30',
      );
    }
  }
  if (volt !== undefined) {
    fromVolt = typeof volt === 'string' ? parseVoltMxDate(volt, offsetMinutes) : undefined;
    if (fromVolt === undefined)
      problem(voltField, `must be in the format ${VOLT_MX_DATE_FORMAT}, e.g. 05/24/2030 04:38:51 PM`);
  }
  if (fromIso !== undefined && fromVolt !== undefined && fromIso.getTime() !== fromVolt.getTime()) {
    problem(voltField, `names another instant than ${isoField} (give one of them, or both alike)`);
    return undefined;
  }
  if (iso !== undefined || volt !== undefined) return fromIso ?? fromVolt;
  const cleared = fields[isoField] === null || fields[voltField] === null || fields[voltField] === '';
  return cleared ? null : undefined;
}

/** A date field's value, or undefined when it is absent, null or (as the original writes a missing date) "". */
function present(value: unknown): unknown {
  return value === undefined || value === null || value === '' ? undefined : value;
}

function parseIso(text: string): Date | undefined {
  const parts = ISO_WITH_OFFSET.exec(text);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = parts.map(Number);
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const fieldsValid =
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth &&
    hour! <= 23 &&
    minute! <= 59 &&
    (Number.isNaN(second) || second! <= 59) &&
    (Number.isNaN(offsetHours) || offsetHours! <= 23) &&
    (Number.isNaN(offsetMinutes) || offsetMinutes! <= 59);
  const instant = new Date(text);
  return fieldsValid && !Number.isNaN(instant.getTime()) ? instant : undefined;
}

function optionalId(value: unknown, problem: Problem): CampaignId | undefined {
  if (value === undefined || value === null) return undefined;
  const decimal =
    typeof value === 'string'
      ? value
      : typeof value === 'bigint'
        ? value.toString()
        : typeof value === 'number' && Number.isSafeInteger(value)
          ? String(value)
          : undefined;
  if (decimal === undefined || !CampaignId.isCanonical(decimal)) {
    const hint = typeof value === 'bigint' && value > MAX_SAFE ? ' (send large ids as strings)' : '';
    problem('id', `must be a positive 64-bit integer (1 to 9223372036854775807) as a string or number${hint}`);
    return undefined;
  }
  return CampaignId.parse(decimal);
}
