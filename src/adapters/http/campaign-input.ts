import type { CreateCampaignCommand } from '../../application/index.js';
import {
  type CampaignChanges,
  CampaignId,
  CampaignInvalid,
  type CampaignSnapshot,
  type FieldProblem,
} from '../../domain/index.js';
import { type Problem, readContent } from './campaign-content-input.js';
import { type DatesContext, readDates, sameInstant } from './campaign-dates-input.js';
import { originalCampaign, serviceCampaign } from './campaign-json.js';
import { RequestRefused } from './request-refused.js';
import { storableText } from './storable-text-field.js';

/** The status a create or modify may ask for, in the original's spellings and the service's own. */
const PUBLISHING: Record<string, 'draft' | 'scheduled'> = {
  Draft: 'draft',
  draft: 'draft',
  Pending: 'scheduled',
  Running: 'scheduled',
  scheduled: 'scheduled',
};

/**
 * The original's words for a published campaign, as its create and modify samples send them. On a campaign that is
 * published already and past its draft (a paused one) they ask for nothing: it stays as it is.
 */
const ORIGINAL_PUBLISHED: ReadonlySet<unknown> = new Set(['Pending', 'Running']);

/** The read-only fields that hold a time: sent back in any spelling of the instant they show, they are unchanged. */
const READ_ONLY_TIMES = new Set(['createdAt', 'updatedAt', 'startedAt', 'pausedAt', 'terminatedAt', 'completedAt']);

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
  const changes = readChanges(fields, problem, { stored: undefined });
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
  const changes = readChanges(fields, (field, message) => problems.push({ field, message }), 'zone not known yet');
  if (fields.name === null) problems.push({ field: 'name', message: 'cannot be removed' });
  // Read as a create reads it: `[5]` is no id of any campaign, though it is written "5" as text.
  const id = bodyId(fields.id);
  if (id !== NO_ID && !(id instanceof CampaignId && id.equals(campaignId))) {
    problems.push({ field: 'id', message: 'cannot be changed (send it as read, or leave it out)' });
  }
  if (problems.length > 0) throw new CampaignInvalid(problems);
  const resolve = (current: CampaignSnapshot): CampaignChanges => {
    const shown = [originalCampaign(current), serviceCampaign(current)] as Array<Record<string, unknown>>;
    const refused: FieldProblem[] = [];
    for (const field of READ_ONLY_FIELDS) {
      const value = fields[field];
      const same = READ_ONLY_TIMES.has(field) ? sameInstant : sameJson;
      if (value !== undefined && value !== null && !shown.some((view) => same(view[field], value))) {
        refused.push({ field, message: 'cannot be changed (send it as read, or leave it out)' });
      }
    }
    const refuse: Problem = (field, message) => refused.push({ field, message });
    const resolved = { ...changes, ...readDates(fields, refuse, { stored: current }) };
    const status = fields.status;
    const publishedAlready = ORIGINAL_PUBLISHED.has(status) && current.status !== 'draft';
    if (status !== undefined && status !== null && !publishedAlready && !shown.some((view) => view.status === status)) {
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

/**
 * Speaks the client's words in a refusal: a date given as startDateStr is reported as startDateStr, and so is the
 * stored date a modify leaves out when the body gives its other date in the original's form only (a modify of
 * `endDateStr` alone that ends before the stored start is reported as `endDateStr must not be before startDateStr`).
 */
export function inClientTerms(error: unknown, fieldNames: Record<string, string>): unknown {
  if (!(error instanceof CampaignInvalid) || Object.keys(fieldNames).length === 0) return error;
  const rename = (text: string) => text.replace(/\b(startAt|endAt)\b/g, (name) => fieldNames[name] ?? name);
  return new CampaignInvalid(error.problems.map((p) => ({ field: rename(p.field), message: rename(p.message) })));
}

const DATE_NAMES = [
  ['startAt', 'startDateStr'],
  ['endAt', 'endDateStr'],
] as const;

/**
 * The names a refusal gives the two dates: the client's own for a date it sent; otherwise the original's, the
 * contract's default, unless the body gives its dates in the service's form only.
 */
function fieldNamesOf(fields: Record<string, unknown>): Record<string, string> {
  const names: Record<string, string> = {};
  const givesIso = DATE_NAMES.some(([iso]) => fields[iso] !== undefined);
  const givesOriginal = DATE_NAMES.some(([, volt]) => fields[volt] !== undefined);
  const inServiceFormOnly = givesIso && !givesOriginal;
  for (const [iso, volt] of DATE_NAMES) {
    if (fields[iso] === undefined && (fields[volt] !== undefined || !inServiceFormOnly)) names[iso] = volt;
  }
  return names;
}

/** The names of the dates in a refusal of a request without a body (a restart): the original's. */
export const DATE_NAMES_WITHOUT_A_BODY = fieldNamesOf({});

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

function readChanges(fields: Record<string, unknown>, problem: Problem, dates: DatesContext): CampaignChanges {
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
  Object.assign(changes, readDates(fields, problem, dates));
  const content = readContent(fields, problem);
  if (Object.keys(content).length > 0) changes.content = content;
  return changes;
}

const NO_ID = 'no id';
const NOT_AN_ID = 'not an id';

/**
 * The id a create or modify body gives, by one rule for both: `0` is no id, as a number or a string (it is what a
 * Java client's `long id` holds until it is set), and so are `null` and no `id`; a positive long is that campaign's
 * id, as a JSON integer, as a JSON number up to 2^53 − 1 however written (`5.0`, `5e0`), or as a decimal string;
 * anything else is no id of any campaign.
 */
function bodyId(value: unknown): CampaignId | typeof NO_ID | typeof NOT_AN_ID {
  if (value === undefined || value === null || value === 0 || value === '0') return NO_ID;
  const decimal =
    typeof value === 'string'
      ? value
      : typeof value === 'bigint'
        ? value.toString()
        : typeof value === 'number' && Number.isSafeInteger(value)
          ? String(value)
          : undefined;
  return decimal !== undefined && CampaignId.isCanonical(decimal) ? CampaignId.parse(decimal) : NOT_AN_ID;
}

function optionalId(value: unknown, problem: Problem): CampaignId | undefined {
  const id = bodyId(value);
  if (id === NOT_AN_ID) {
    problem('id', 'must be a positive 64-bit integer (1 to 9223372036854775807) as a string or number');
  }
  return id instanceof CampaignId ? id : undefined;
}
