import { isInteger, parse } from 'lossless-json';
import { holdsAsWritten } from './exact-numbers.js';

/** Digits of the longest integer read exactly, as a bigint. */
const LONGEST_EXACT_INTEGER = 40;

/**
 * A JSON number as the value it writes, never rounded: a JS number when a double holds it as written, a bigint for
 * an integer beyond ±(2^53 − 1) of up to 40 digits (twice a 64-bit id's), and NaN for any other (more digits than a
 * double keeps, beyond its range, or below its smallest), which every field that reads a number refuses, naming
 * itself. A longer integer is NaN too: no field takes one, and reading a million digits as a bigint took 100 ms.
 */
export function jsonNumber(text: string): number | bigint {
  if (isInteger(text)) {
    if (text.replace('-', '').length > LONGEST_EXACT_INTEGER) return Number.NaN;
    const value = Number(text);
    return Number.isSafeInteger(value) ? value : BigInt(text);
  }
  return holdsAsWritten(text) ? Number(text) : Number.NaN;
}

/**
 * JSON text as lossless-json reads it, numbers by `jsonNumber` and a key written twice in an object refused unless
 * both values are the same. lossless-json reads a character at a time, some fifty times slower than JSON.parse (166
 * ms for a body of 1 MiB, against 3 ms, on the event loop): the text is read by JSON.parse whenever that gives the
 * same value, which one quick pass over it tells (plainJson).
 */
export function parseExactJson(text: string): unknown {
  if (plainJson(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON at all: lossless-json says where, in its words.
    }
  }
  return parse(text, null, jsonNumber);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;

/**
 * Whether JSON.parse reads `text` as lossless-json with `jsonNumber` would, were it JSON: no object has a key twice
 * (JSON.parse keeps the last), none has a key `__proto__`, and every number is one a double holds as written. Not a
 * check that the text is JSON: JSON.parse does that.
 */
export function plainJson(text: string): boolean {
  // The keys of each object open around the position, innermost last; null for an array.
  const open: Array<Set<string> | null> = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i + 1);
      if (end < 0) return false;
      if (followedByColon(text, end + 1)) {
        const keys = open.at(-1);
        const key = keyText(text, i, end);
        if (keys === undefined || keys === null || key === undefined || key === '__proto__' || keys.has(key)) {
          return false;
        }
        keys.add(key);
      }
      i = end + 1;
    } else if (c === OPEN_OBJECT) {
      open.push(new Set());
      i++;
    } else if (c === OPEN_ARRAY) {
      open.push(null);
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      open.pop();
      i++;
    } else if (c === MINUS || isDigit(c)) {
      let end = i + 1;
      while (end < length && isNumberPart(text.charCodeAt(end))) end++;
      if (!heldByDouble(text.slice(i, end))) return false;
      i = end;
    } else {
      i++;
    }
  }
  return true;
}

/** The position of the quote that ends the string whose text begins at `from`; -1 when none does. */
function closingQuote(text: string, from: number): number {
  for (let quote = text.indexOf('"', from); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}

function followedByColon(text: string, from: number): boolean {
  let i = from;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === COLON;
}

/** The key the string from `open` to `close` (its quotes) writes; undefined when it is no JSON string. */
function keyText(text: string, open: number, close: number): string | undefined {
  const inner = text.slice(open + 1, close);
  if (!inner.includes('\\')) return inner;
  try {
    return JSON.parse(text.slice(open, close + 1)) as string;
  } catch {
    return undefined;
  }
}

/** Longer than any number a double holds as JSON writes it, short of trailing zeros: left to lossless-json. */
const LONGEST_PLAIN_NUMBER = 32;

function heldByDouble(token: string): boolean {
  if (token.length > LONGEST_PLAIN_NUMBER) return false;
  try {
    const value = jsonNumber(token);
    return typeof value === 'number' && !Number.isNaN(value);
  } catch {
    return false;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Digits, a point, an exponent and its sign. */
function isNumberPart(c: number): boolean {
  return isDigit(c) || c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === MINUS;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
