/** The two ways the form takes dates: ISO-8601 with an offset, or Volt MX date strings read in the campaign's zone. */
export type DateStyle = 'iso' | 'voltmx';

const VOLT_MX_DATE = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2}) (AM|PM)$/i;
const ZONE = /^(?:\(GMT(?:([+-])(\d{2}):(\d{2}))?\)(?: .*)?|GMT(?:([+-])(\d{2}):(\d{2}))?)$/;

/**
 * A date typed in one style written in the other, read in `zone` (the form's zone; empty: UTC) as the service reads
 * it; undefined when it cannot be read, so the text is left as typed.
 */
export function inDateStyle(text: string, from: DateStyle, to: DateStyle, zone: string): string | undefined {
  const trimmed = text.trim();
  if (from === to || trimmed === '') return text;
  const offset = zoneOffsetMinutes(zone.trim() === '' ? 'GMT' : zone.trim());
  if (offset === undefined) return undefined;
  const instant = from === 'iso' ? isoInstant(trimmed) : voltMxInstant(trimmed, offset);
  if (instant === undefined) return undefined;
  return to === 'iso' ? instant.toISOString() : voltMxDate(instant, offset);
}

/** Minutes east of UTC of `(GMT+04:30) Kabul`, `(GMT) UTC` or `GMT-05:00`, at most 14 hours either way. */
function zoneOffsetMinutes(zone: string): number | undefined {
  const parts = ZONE.exec(zone);
  if (!parts) return undefined;
  const [sign, hours, minutes] = parts[1] !== undefined ? parts.slice(1, 4) : parts.slice(4, 7);
  if (sign === undefined) return 0;
  const offset = Number(hours) * 60 + Number(minutes);
  if (Number(minutes) > 59 || offset > 14 * 60) return undefined;
  return (sign === '-' ? -1 : 1) * offset;
}

/** An ISO-8601 date and time with its offset (`Z` or `+04:30`); a text without one names no instant. */
function isoInstant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) return undefined;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

function voltMxInstant(text: string, offsetMinutes: number): Date | undefined {
  const parts = VOLT_MX_DATE.exec(text);
  if (!parts) return undefined;
  const [month, day, year, hour12, minute, second] = parts.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour12 < 1 || hour12 > 12 || minute > 59 || second > 59) return undefined;
  const hour = (hour12 % 12) + (parts[7]!.toUpperCase() === 'PM' ? 12 : 0);
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, 0);
  if (local.getUTCDate() !== day) return undefined;
  return new Date(local.getTime() - offsetMinutes * 60_000);
}

function voltMxDate(instant: Date, offsetMinutes: number): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000);
  const two = (n: number) => String(n).padStart(2, '0');
  const hour = local.getUTCHours();
  return (
    `${two(local.getUTCMonth() + 1)}/${two(local.getUTCDate())}/${String(local.getUTCFullYear()).padStart(4, '0')} ` +
    `${two(hour % 12 === 0 ? 12 : hour % 12)}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())} ${hour < 12 ? 'AM' : 'PM'}`
  );
}
