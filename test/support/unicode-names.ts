import fc from 'fast-check';
import { foldCase } from '../../src/adapters/persistence/knex/case-folding.js';

const between = (first: number, last: number) =>
  Array.from({ length: last - first + 1 }, (_, i) => String.fromCodePoint(first + i));

/**
 * Letters that fold unlike their neighbours (Σ, σ and ς; İ, I, i and ı; ß and ẞ; the titlecase digraphs), letters
 * beyond the Basic Multilingual Plane, and letters newer than a database's character tables may be (Unicode 14 to
 * 16: U+A7CB to U+A7DC, U+1C89, Vithkuqi, Garay).
 */
const REMARKABLE = [
  ...'ΣσςİIiıßẞǄǅǆÉé',
  ...between(0xa7cb, 0xa7dc),
  '\u1c89',
  '\u1c8a',
  '\u{10400}',
  '\u{10428}',
  '\u{1e900}',
  '\u{1e922}',
  '\u{10570}',
  '\u{10597}',
  '\u{10d50}',
  '\u{10d70}',
];

/** Any character a stored text may hold: every code point but the surrogates and the control characters. */
const anyStorableCharacter = fc
  .integer({ min: 0x20, max: 0x10ffff })
  .filter((cp) => (cp < 0x7f || cp > 0x9f) && (cp < 0xd800 || cp > 0xdfff))
  .map((cp) => String.fromCodePoint(cp));

const character = fc.oneof(
  { arbitrary: fc.constantFrom(...REMARKABLE), weight: 2 },
  { arbitrary: anyStorableCharacter, weight: 1 },
);

/** A name of 1 to `max` characters drawn from all of Unicode, not blank. */
export const unicodeName = (max: number) =>
  fc
    .array(character, { minLength: 1, maxLength: max })
    .map((characters) => characters.join(''))
    .filter((name) => name.trim() !== '');

/** Where a part of a name starts and how long it is (both taken modulo the name's length), and its characters' cases. */
export interface PartChoice {
  from: number;
  length: number;
  cases: number[];
}

export const partChoice: fc.Arbitrary<PartChoice> = fc.record({
  from: fc.nat(),
  length: fc.nat(),
  cases: fc.array(fc.nat({ max: 2 }), { minLength: 16, maxLength: 16 }),
});

/**
 * A part of `name`, whole characters, with each one in a case of its own: as it is, its capital or its small form,
 * whichever of them a search takes as the same character (`ı`'s capital `I` is `i`'s, so `ı` keeps its own).
 */
export function partInAnyCase(name: string, { from, length, cases }: PartChoice): string {
  const characters = [...name];
  const start = from % characters.length;
  const part = characters.slice(start, start + 1 + (length % (characters.length - start)));
  return part
    .map((c, i) => {
      const alike = [c, c.toUpperCase(), c.toLowerCase()].filter((form) => foldCase(form) === foldCase(c));
      return alike[cases[i % cases.length]! % alike.length];
    })
    .join('');
}
