import type { NoAnswer } from './api.js';

/** `2030-01-01T09:00:00.000Z` as `2030-01-01 09:00:00 UTC`; null as a dash. */
export function instant(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** A Volt MX date string with its zone, as the campaign's own clock reads it. */
export function zoned(dateStr: string | null | undefined, zone: string | null): string {
  if (dateStr === null || dateStr === undefined) return '—';
  return `${dateStr} ${zone ?? '(GMT) UTC'}`;
}

export function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'none';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A change whose answer never came, said so that nobody takes it for a refusal: it may have been made. */
export function unansweredChange(label: string, error: NoAnswer): string {
  return `${label}: the answer did not come (${error.message}): it may or may not have been made. Trying again sends the same request, which the service makes once.`;
}
