/**
 * The rules every text the service stores passes, whatever the database: PostgreSQL refuses NUL and cannot hold
 * an unpaired surrogate, SQLite would keep both, so both are refused before anything is written. Lengths count
 * Unicode code points (what PostgreSQL's varchar(n) counts), so "🎉" is one character, not two UTF-16 units.
 */

/** Control characters (Unicode category Cc) other than tab, line feed and carriage return. */
const DISALLOWED_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNPAIRED_SURROGATES = new RegExp(UNPAIRED_SURROGATE.source, 'g');

/** `text` with each unpaired surrogate replaced by U+FFFD, so that any UTF-8 or UTF-16 decoder can read it. */
export function wellFormedText(text: string): string {
  return text.replace(UNPAIRED_SURROGATES, '\uFFFD');
}

/** The length of a text in Unicode code points. */
export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

/** Why `text` cannot be stored in a field of at most `maxLength` code points, or undefined when it can. */
export function storableTextProblem(text: string, maxLength: number): string | undefined {
  if (DISALLOWED_CONTROL.test(text)) {
    return 'must not contain NUL or other control characters (tab, line feed and carriage return are allowed)';
  }
  if (UNPAIRED_SURROGATE.test(text)) return 'must not contain an unpaired UTF-16 surrogate (\\ud800 to \\udfff alone)';
  if (text.length > maxLength && codePointLength(text) > maxLength) return `must be at most ${maxLength} characters`;
  return undefined;
}
