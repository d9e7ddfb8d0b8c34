/** How deep arrays and objects may nest in a request body; the campaign's bodies need a handful of levels. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when the JSON text opens more than `limit` arrays or objects inside one another (brackets inside
 * strings do not count). Checked before parsing, so a deeply nested body is refused for what it is rather
 * than by the parser running out of stack.
 */
export function nestsDeeperThan(text: string, limit = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b || char === 0x7b) {
      if (++depth > limit) return true;
    } else if (char === 0x5d || char === 0x7d) {
      depth--;
    }
  }
  return false;
}
