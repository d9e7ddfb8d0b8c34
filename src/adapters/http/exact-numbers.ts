import { compareNumber } from 'lossless-json';

/**
 * Whether the double nearest to the number `text` writes is that number as far as JSON can tell: its shortest form
 * (what the service writes back) has the same value. `1e16`, `1e+300` and `0.1` are held; `1e400`, `1e-400`,
 * `2000.0000000000001` and `9007199254740993` are not.
 */
export function holdsAsWritten(text: string): boolean {
  const value = Number(text);
  return Number.isFinite(value) && compareNumber(String(value), text) === 0;
}
