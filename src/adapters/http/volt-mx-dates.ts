/** The date format of Volt MX's `startDateStr` / `endDateStr`: `MM/dd/yyyy hh:mm:ss aa`, e.g. `05/24/2016 04:38:51 PM`. */
export const VOLT_MX_DATE_FORMAT = 'MM/dd/yyyy hh:mm:ss aa';

const DATE = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) (AM|PM)$/i;
const ZONE = /^(?:\(GMT(?:([+-])(\d{2}):(\d{2}))?\)(?: .*)?|GMT(?:([+-])(\d{2}):(\d{2}))?)$/;

/**
 * The farthest a zone may lie from UTC, either way: 14 hours, as the farthest real one (GMT+14:00, Kiritimati). A
 * zone farther east would write the latest date a campaign may hold with a five-digit year.
 */
export const MAX_ZONE_OFFSET_MINUTES = 14 * 60;

/**
 * A zone such as `(GMT+04:30) Kabul`, `(GMT) Casablanca` or bare `GMT-05:00` as minutes east of UTC; undefined
 * when it is not of one of these forms or lies more than 14 hours from UTC.
 */
export function zoneOffsetMinutes(zone: string): number | undefined {
  const parts = ZONE.exec(zone);
  if (!parts) return undefined;
  const [sign, hh, mm] = parts[1] !== undefined ? parts.slice(1, 4) : parts.slice(4, 7);
  if (sign === undefined) return 0;
  const minutes = Number(mm);
  const offset = Number(hh) * 60 + minutes;
  if (minutes > 59 || offset > MAX_ZONE_OFFSET_MINUTES) return undefined;
  return (sign === '-' ? -1 : 1) * offset;
}

/** Whether `text` is written as `MM/dd/yyyy hh:mm:ss aa`, whether or not it names a date that exists. */
export function hasVoltMxDateForm(text: string): boolean {
  return DATE.test(text);
}

export function parseVoltMxDate(text: string, offsetMinutes: number): Date | undefined {
  const parts = DATE.exec(text);
  if (!parts) return undefined;
  const [month, day, year, hour12, minute, second] = parts.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const pm = parts[7]!.toUpperCase() === 'PM';
  if (month < 1 || month > 12 || hour12 < 1 || hour12 > 12 || minute > 59 || second > 59) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  const hour = (hour12 % 12) + (pm ? 12 : 0);
  return new Date(utcMilliseconds(year, month, day, hour, minute, second) - offsetMinutes * 60_000);
}

/** The days of `month` (1 to 12) in `year`, leap years of every century included (Date.UTC reads 0 to 99 as 19xx). */
export function daysInMonth(year: number, month: number): number {
  return new Date(utcMilliseconds(year, month + 1, 0)).getUTCDate();
}

/** Date.UTC for the year given, even from 0 to 99 (which Date.UTC reads as 1900 to 1999). */
function utcMilliseconds(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

export function formatVoltMxDate(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const hour = local.getUTCHours();
  return (
    `${two(local.getUTCMonth() + 1)}/${two(local.getUTCDate())}/${String(local.getUTCFullYear()).padStart(4, '0')} ` +
    `${two(hour % 12 === 0 ? 12 : hour % 12)}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`
  );
}
