import type { Context } from 'koa';
import { RequestRefused } from './request-refused.js';

/** A campaign's entity tag: its version, strong (RFC 9110 §8.8.3), the same in every read form. */
export function entityTagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The versions an `If-Match` header names, compared strongly (RFC 9110 §13.1.1): undefined when the header is
 * absent or `*` (any version of a campaign that exists), otherwise the versions of its strong tags that are
 * versions; a weak tag or one this service never gave matches none.
 */
export function ifMatchVersions(ctx: Context): number[] | undefined {
  const tags = entityTags(ctx, 'if-match');
  if (tags === undefined || tags === '*') return undefined;
  return tags.filter((tag) => !tag.weak && VERSION.test(tag.opaque)).map((tag) => Number(tag.opaque));
}

/**
 * `If-None-Match` names the campaign's version, compared weakly (RFC 9110 §13.1.2): a read answers 304. `*`
 * names any version of a campaign that exists.
 */
export function ifNoneMatchNames(ctx: Context, version: number): boolean {
  const tags = entityTags(ctx, 'if-none-match');
  if (tags === undefined) return false;
  return tags === '*' || tags.some((tag) => tag.opaque === String(version));
}

interface EntityTag {
  weak: boolean;
  opaque: string;
}

/** One entity tag of a list, with the comma or the end that follows it (RFC 9110 §5.6.1, §8.8.3). */
const ENTITY_TAG = /^[ \t]*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"[ \t]*(?:,|$)/;
const VERSION = /^[1-9][0-9]{0,14}$/;

/** The header's entity tags, or `*`; undefined when absent. A value that is neither is refused. */
function entityTags(ctx: Context, name: 'if-match' | 'if-none-match'): EntityTag[] | '*' | undefined {
  const header = ctx.req.headers[name];
  if (header === undefined) return undefined;
  if (header.trim() === '*') return '*';
  const tags: EntityTag[] = [];
  let rest = header.replace(/^[ \t,]+/, '');
  if (rest === '') throw malformed(name);
  while (rest !== '') {
    const tag = ENTITY_TAG.exec(rest);
    if (tag === null) throw malformed(name);
    tags.push({ weak: tag[1] !== undefined, opaque: tag[2]! });
    rest = rest.slice(tag[0].length).replace(/^[ \t,]+/, '');
  }
  return tags;
}

function malformed(name: 'if-match' | 'if-none-match'): RequestRefused {
  const header = name === 'if-match' ? 'If-Match' : 'If-None-Match';
  return new RequestRefused(
    'INVALID_REQUEST',
    `${header} must be * or a list of entity tags as the ETag header gives them, quotes included, such as "3"`,
  );
}
