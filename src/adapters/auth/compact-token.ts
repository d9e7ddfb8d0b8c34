/**
 * True when `token` is three base64url parts each written in its one spelling: no padding, no other alphabet,
 * no bits set beyond its last byte. A decoder that reads other spellings as the same bytes would accept one
 * signed token under several strings.
 */
export function isCanonicalCompactToken(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((part) => Buffer.from(part, 'base64url').toString('base64url') === part);
}
