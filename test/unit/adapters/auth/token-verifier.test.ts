import fc from 'fast-check';
import { ALL_SCOPES } from '../../../../src/adapters/auth/principal.js';
import { TokenRejected, TokenVerifier, VERIFIED_AT_MOST_MS } from '../../../../src/adapters/auth/token-verifier.js';
import { VerifiedTokenCache } from '../../../../src/adapters/auth/verified-token-cache.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';
import { nowSeconds, tokenWithPayload } from '../../../support/raw-token.js';
import { TEST_SECRET } from '../../../support/test-service.js';

const RULES = { issuer: undefined, audience: undefined, clockToleranceSeconds: 5 };
const scope = ALL_SCOPES.join(' ');

function verifier(cache = new VerifiedTokenCache()): TokenVerifier {
  return new TokenVerifier({ kind: 'secret', secret: TEST_SECRET }, RULES, cache);
}

/** The payload of a current, well-formed token with `claims` written over it as raw JSON members. */
function payload(claims: Record<string, string>): string {
  const members: Record<string, string> = {
    sub: '"alice"',
    scope: JSON.stringify(scope),
    iat: String(nowSeconds()),
    exp: String(nowSeconds() + 600),
    ...claims,
  };
  return `{${Object.entries(members)
    .map(([name, json]) => `"${name}":${json}`)
    .join(',')}}`;
}

describe('TokenVerifier', () => {
  it('accepts a current, well-formed token', async () => {
    const principal = await verifier().verify(tokenWithPayload(payload({})));
    expect(principal.subject).to.equal('alice');
  });

  for (const [claim, json] of [
    ['exp', '1e400'],
    ['exp', '-1e400'],
    ['exp', String(nowSeconds() + 600.5)],
    ['exp', '"9999999999"'],
    ['exp', '1e300'],
    ['nbf', '-1e400'],
    ['nbf', String(nowSeconds() - 10.25)],
    ['iat', '1e400'],
    ['iat', '-1e400'],
    ['iat', 'true'],
  ] as const) {
    it(`refuses ${claim}: ${json.slice(0, 16)} (not a finite whole number of seconds)`, async () => {
      await expect(verifier().verify(tokenWithPayload(payload({ [claim]: json })))).to.be.rejectedWith(TokenRejected);
    });
  }

  for (const [label, sub] of [
    ['a NUL', '"a\\u0000b"'],
    ['a control character', '"a\\u001bb"'],
    ['a C1 control character', '"a\\u0085b"'],
    ['a lone surrogate', '"a\\ud800b"'],
    ['256 characters', JSON.stringify('s'.repeat(256))],
    ['a number', '42'],
    ['nothing', '""'],
  ] as const) {
    it(`refuses a subject with ${label}`, async () => {
      await expect(verifier().verify(tokenWithPayload(payload({ sub })))).to.be.rejectedWith(TokenRejected, /sub/);
    });
  }

  it('accepts a subject of 255 characters, astral ones included', async () => {
    const sub = '😀'.repeat(100) + 's'.repeat(55);
    const principal = await verifier().verify(tokenWithPayload(payload({ sub: JSON.stringify(sub) })));
    expect(principal.subject).to.equal(sub);
  });

  it('accepts a signed token in its one spelling only: another string that decodes to the same bytes is refused', async () => {
    const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const respelling = fc.oneof(
      fc.constantFrom('=', '==').map((padding) => (part: string) => part + padding),
      fc.constantFrom(...BASE64URL).map((last) => (part: string) => part.slice(0, -1) + last),
      fc.constant((part: string) => part.replaceAll('-', '+').replaceAll('_', '/')),
      fc.tuple(fc.constantFrom(' ', '\n', '\t', '!', '*', '='), fc.nat()).map(
        ([extra, at]) =>
          (part: string) =>
            part.slice(0, at % (part.length + 1)) + extra + part.slice(at % (part.length + 1)),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 20 }), fc.nat(2), respelling, async (subject, which, respell) => {
        const token = tokenWithPayload(payload({ sub: JSON.stringify(`u${subject}`) }));
        const parts = token.split('.');
        const respelled = parts.map((part, n) => (n === which ? respell(part) : part));
        fc.pre(respelled.join('.') !== token);
        fc.pre(
          respelled.every((part, n) => Buffer.from(part, 'base64url').equals(Buffer.from(parts[n]!, 'base64url'))),
        );
        expect((await verifier().verify(token)).subject).to.equal(`u${subject}`);
        await expect(verifier().verify(respelled.join('.'))).to.be.rejectedWith(TokenRejected);
      }),
      propertyParameters(200),
    );
  });

  it('keeps no verified token past its expiry (plus the clock tolerance)', async () => {
    const cache = new VerifiedTokenCache();
    const v = verifier(cache);
    const now = Date.now();
    const exp = nowSeconds() + 60;
    await v.verify(tokenWithPayload(payload({ exp: String(exp), sub: '"one"' })), now);
    await v.verify(tokenWithPayload(payload({ exp: String(exp + 3600), sub: '"two"' })), now);
    expect(cache.size).to.equal(2);
    const afterExpiry = (exp + RULES.clockToleranceSeconds) * 1000 + 1;
    const stale = tokenWithPayload(payload({ exp: String(exp), sub: '"one"' }));
    await expect(v.verify(stale, afterExpiry)).to.be.rejectedWith(TokenRejected, /expired/);
    expect(cache.size).to.equal(1);
  });

  it('sweeps expired entries out even when their tokens are never presented again', () => {
    const cache = new VerifiedTokenCache();
    const principal = { subject: 'alice', scopes: new Set<string>() };
    cache.set('a', principal, 2_000, 0);
    cache.set('b', principal, 60_000, 0);
    cache.get('unknown', 10_000);
    expect(cache.size).to.equal(1);
  });

  it('holds at most its limit of tokens, forgetting the oldest first', () => {
    const cache = new VerifiedTokenCache(100);
    const principal = { subject: 'alice', scopes: new Set<string>() };
    for (let i = 0; i < 250; i += 1) cache.set(`t${i}`, principal, 1e12, 0);
    expect(cache.size).to.equal(100);
    expect(cache.get('t149', 1)).to.equal(undefined);
    expect(cache.get('t150', 1)).to.equal(principal);
  });

  it('never caches a token whose expiry lies in the past', () => {
    const cache = new VerifiedTokenCache();
    cache.set('old', { subject: 'alice', scopes: new Set() }, 1_000, 5_000);
    expect(cache.size).to.equal(0);
  });

  it('refuses a token issued after now, beyond the clock tolerance, and takes one within it (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -3600, max: 10 * 365 * 86_400 }), async (ahead) => {
        const token = tokenWithPayload(payload({ iat: String(nowSeconds() + ahead), exp: String(nowSeconds() + 1e9) }));
        const taken = verifier().verify(token);
        if (ahead <= RULES.clockToleranceSeconds - 1) expect((await taken).subject).to.equal('alice');
        else if (ahead > RULES.clockToleranceSeconds + 1) await expect(taken).to.be.rejectedWith(TokenRejected, /iat/);
      }),
      propertyParameters(100),
    );
  });

  it('takes a verified token without verifying it again for ten minutes at most, however far its expiry', async () => {
    const cache = new VerifiedTokenCache();
    const now = Date.now();
    const token = tokenWithPayload(payload({ exp: String(nowSeconds() + 100 * 365 * 86_400) }));
    await verifier(cache).verify(token, now);
    expect(cache.get(token, now + VERIFIED_AT_MOST_MS - 1)?.subject).to.equal('alice');
    expect(cache.get(token, now + VERIFIED_AT_MOST_MS)).to.equal(undefined);
  });

  it('forgets the tokens of the keys a key set read again no longer holds, and keeps the others', () => {
    const cache = new VerifiedTokenCache();
    const principal = { subject: 'alice', scopes: new Set<string>() };
    cache.set('by k1', principal, 1e12, 0, 'k1');
    cache.set('by k2', principal, 1e12, 0, 'k2');
    cache.set('by a key without an id', principal, 1e12, 0);
    cache.forgetAllBut((keyId) => new Set(['k2', undefined]).has(keyId));
    expect(cache.get('by k1', 1)).to.equal(undefined);
    expect(cache.get('by k2', 1)).to.equal(principal);
    expect(cache.get('by a key without an id', 1)).to.equal(principal);
  });
});
