/** What both databases' drivers hand back, read the same way by every adapter. */

export function isUniqueViolation(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code === '23505') return true;
  return (code ?? '').startsWith('SQLITE_CONSTRAINT') && /UNIQUE|PRIMARY KEY/.test(message ?? '');
}

/** Database times come back as epoch milliseconds (SQLite) or Date (PostgreSQL). */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(Number(value));
}

export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}
