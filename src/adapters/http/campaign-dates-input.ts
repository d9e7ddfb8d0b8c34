import type { CampaignSnapshot } from '../../domain/index.js';
import type { Problem } from './campaign-content-input.js';
import { storableText } from './storable-text-field.js';
import {
  daysInMonth,
  hasVoltMxDateForm,
  parseVoltMxDate,
  VOLT_MX_DATE_FORMAT,
  zoneOffsetMinutes,
} from './volt-mx-dates.js';

const ISO_WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

/** A date written in the right form that names no day or time: 02/29 of a year that is not a leap year, 13:00 PM. */
const NO_SUCH_DATE =
  'is written in the right form but names no such date or time: a day past the end of its month (February 29 only in leap years), or an hour, minute, second or offset out of range';

/**
 * The latest date a campaign may hold: the last second that every zone the service accepts (up to GMT+14:00)
 * shows with a four-digit year, as the `MM/dd/yyyy` form needs. A zone can change after the date is set, so the
 * bound is the same for every zone.
 */
export const LATEST_DATE = new Date('9999-12-31T09:59:59.999Z');

/** The earliest date a campaign may hold: the first second that every zone (down to GMT-14:00) shows in year 0001. */
export const EARLIEST_DATE = new Date('0001-01-01T14:00:00.000Z');

/** The zone and dates a body gives: absent fields stay absent, `null` clears. */
export interface DatesGiven {
  zone?: string | null;
  startAt?: Date | null;
  endAt?: Date | null;
}

/** The campaign a modify's dates are read against; a create has none. */
export type DatesContext = { stored: CampaignSnapshot } | { stored: undefined } | 'zone not known yet';

/**
 * Reads `zone`, `startAt`/`startDateStr` and `endAt`/`endDateStr`. A `…DateStr` is read in the zone the body gives,
 * else in the campaign's own. It names a whole second, so when it names the second of the stored date, it names
 * the stored date, whichever zone it was written in: a client posting back what it read changes nothing, nor does
 * one that changes the zone and writes the dates again in it. With 'zone not known yet' (a modify checked
 * before its campaign is read) only the forms are checked.
 */
export function readDates(fields: Record<string, unknown>, problem: Problem, context: DatesContext): DatesGiven {
  const given: DatesGiven = {};
  const zone = readZone(fields, problem);
  if (zone !== undefined) given.zone = zone.text;
  const stored = context === 'zone not known yet' ? undefined : context.stored;
  const offset = zone?.offset ?? (stored ? offsetOf(stored.zone) : 0);
  const zoneKnown = zone !== undefined || context !== 'zone not known yet';
  for (const [iso, volt] of [
    ['startAt', 'startDateStr'],
    ['endAt', 'endDateStr'],
  ] as const) {
    // In whichever zone it is read: a date sent again with a new zone, written in that zone, is the stored one.
    const instant = readInstant(fields, iso, volt, { offset, zoneKnown, stored: stored?.[iso] ?? null }, problem);
    if (instant !== undefined) given[iso] = instant;
  }
  return given;
}

function offsetOf(zone: string | null): number {
  return zone === null ? 0 : (zoneOffsetMinutes(zone) ?? 0);
}

function readZone(
  fields: Record<string, unknown>,
  problem: Problem,
): { text: string | null; offset: number } | undefined {
  const zone = fields.zone;
  if (zone === undefined) return undefined;
  if (zone === null || zone === '') return { text: null, offset: 0 };
  const text = storableText(zone, 'zone', problem);
  if (text === undefined) return undefined;
  const offset = zoneOffsetMinutes(text);
  if (offset === undefined) {
    problem('zone', 'must look like "(GMT+04:30) Kabul", "(GMT) Casablanca" or "GMT-05:00", at most 14 hours from UTC');
    return undefined;
  }
  return { text, offset };
}

interface InstantContext {
  offset: number;
  zoneKnown: boolean;
  stored: Date | null;
}

/**
 * An instant from the ISO field or the Volt MX field (both may be given when they name the same second);
 * undefined when absent, null when cleared.
 */
function readInstant(
  fields: Record<string, unknown>,
  isoField: string,
  voltField: string,
  context: InstantContext,
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
        typeof iso === 'string' && ISO_WITH_OFFSET.test(iso)
          ? NO_SUCH_DATE
          : 'must be an ISO-8601 date-time with an offset, e.g. 2030-05-24T16:38:51Z or 2030-05-24T21:08:51+04:30',
      );
    }
  }
  if (volt !== undefined) {
    fromVolt = typeof volt === 'string' ? parseVoltMxDate(volt, context.offset) : undefined;
    if (fromVolt === undefined)
      problem(
        voltField,
        typeof volt === 'string' && hasVoltMxDateForm(volt)
          ? NO_SUCH_DATE
          : `must be in the format ${VOLT_MX_DATE_FORMAT}, e.g. 05/24/2030 04:38:51 PM`,
      );
  }
  if (iso === undefined && volt === undefined) {
    const cleared = fields[isoField] === null || fields[voltField] === null || fields[voltField] === '';
    return cleared ? null : undefined;
  }
  if (!context.zoneKnown) return undefined;
  if (fromIso !== undefined && fromVolt !== undefined && !sameSecond(fromIso, fromVolt)) {
    problem(voltField, `names another instant than ${isoField} (give one of them, or both alike)`);
    return undefined;
  }
  const instant =
    fromIso ?? (fromVolt && context.stored && sameSecond(fromVolt, context.stored) ? context.stored : fromVolt);
  if (instant !== undefined && instant > LATEST_DATE) {
    problem(fromIso ? isoField : voltField, `must be at most ${LATEST_DATE.toISOString().replace('.999', '')}`);
    return undefined;
  }
  if (instant !== undefined && instant < EARLIEST_DATE) {
    problem(fromIso ? isoField : voltField, `must be at least ${EARLIEST_DATE.toISOString().replace('.000', '')}`);
    return undefined;
  }
  return instant;
}

function sameSecond(a: Date, b: Date): boolean {
  return Math.floor(a.getTime() / 1000) === Math.floor(b.getTime() / 1000);
}

/** A date field's value, or undefined when it is absent, null or (as the original writes a missing date) "". */
function present(value: unknown): unknown {
  return value === undefined || value === null || value === '' ? undefined : value;
}

/**
 * Whether `sent` names exactly the instant `shown` (as the service writes it, to the millisecond) names, however it
 * is written: `2030-01-01T09:00:00Z`, `2030-01-01T09:00:00.000Z`, `2030-01-01T10:00:00.000000+01:00`.
 */
export function sameInstant(shown: unknown, sent: unknown): boolean {
  if (typeof shown !== 'string' || typeof sent !== 'string') return false;
  const instant = parseIso(sent);
  const finerThanMilliseconds = /\.\d{3}(\d*)/.exec(sent)?.[1] ?? '';
  return instant !== undefined && !/[1-9]/.test(finerThanMilliseconds) && instant.getTime() === Date.parse(shown);
}

function parseIso(text: string): Date | undefined {
  const parts = ISO_WITH_OFFSET.exec(text);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second, offsetHours, offsetMinutes] = parts.map(Number);
  const fieldsValid =
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth(year!, month!) &&
    hour! <= 23 &&
    minute! <= 59 &&
    (Number.isNaN(second) || second! <= 59) &&
    (Number.isNaN(offsetHours) || offsetHours! <= 23) &&
    (Number.isNaN(offsetMinutes) || offsetMinutes! <= 59);
  const instant = new Date(text);
  return fieldsValid && !Number.isNaN(instant.getTime()) ? instant : undefined;
}
