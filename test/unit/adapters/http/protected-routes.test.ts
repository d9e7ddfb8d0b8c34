import type { Context } from 'koa';
import type { Principal } from '../../../../src/adapters/auth/principal.js';
import { TokenRejected, type TokenVerifier } from '../../../../src/adapters/auth/token-verifier.js';
import { authorized } from '../../../../src/adapters/http/auth-middleware.js';
import { RequestRefused } from '../../../../src/adapters/http/request-refused.js';
import { expect } from '../../../support/expect.js';

const alice: Principal = { subject: 'alice', scopes: new Set(['campaigns:read']) };
const verifier = {
  async verify(token: string) {
    if (token === 'good') return alice;
    throw new TokenRejected('the token signature is invalid');
  },
} as unknown as TokenVerifier;

function contextWith(headers: Record<string, string>): Context {
  return { get: (name: string) => headers[name.toLowerCase()] ?? '' } as unknown as Context;
}

describe('A protected route', () => {
  it('hands its handler the principal that the verified token names', async () => {
    const seen: Principal[] = [];
    const route = authorized(verifier, 'campaigns:read', async (_ctx, principal) => void seen.push(principal));
    await route(contextWith({ authorization: 'Bearer good' }), async () => undefined);
    expect(seen).to.deep.equal([alice]);
  });

  for (const [label, headers, code] of [
    ['no token', {}, 'UNAUTHORIZED'],
    ['a refused token', { authorization: 'Bearer bad' }, 'UNAUTHORIZED'],
    ['a token without the scope', { 'x-voltmx-authorization': 'good' }, 'FORBIDDEN'],
  ] as const) {
    it(`never runs its handler for ${label}`, async () => {
      let ran = false;
      const scope = code === 'FORBIDDEN' ? 'campaigns:write' : 'campaigns:read';
      const route = authorized(verifier, scope, async () => {
        ran = true;
      });
      const refusal = await route(contextWith(headers), async () => undefined).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).to.be.instanceOf(RequestRefused).and.to.have.property('code', code);
      expect(ran).to.equal(false);
    });
  }
});
