import fc from 'fast-check';
import { ALL_SCOPES, SCOPES } from '../../../../src/adapters/auth/principal.js';
import { principalOf } from '../../../../src/adapters/auth/token-claims.js';
import { expect } from '../../../support/expect.js';
import { propertyParameters } from '../../../support/property-runs.js';

const SCOPE_CLAIMS = ['scope', 'scp'] as const;

/** The original's roles and what each allowed there, from docs/api.md: written here again, not taken from the code. */
const ORIGINAL_ROLES = new Map<string, string[]>([
  ['campaigns-all', [SCOPES.read, SCOPES.write, SCOPES.execute, SCOPES.terminate]],
  ['campaigns-execute', [SCOPES.read, SCOPES.execute]],
  ['campaigns-terminate', [SCOPES.read, SCOPES.terminate]],
]);
/** The scopes a written scope or role grants. */
const granting = (written: string) => ORIGINAL_ROLES.get(written) ?? [written];

/** Any set of the service's scopes and some it does not know, in either form an issuer writes. */
const writtenScopes = fc
  .tuple(
    fc.subarray([...ALL_SCOPES, ...ORIGINAL_ROLES.keys(), 'openid', 'campaigns:writex', SCOPES.read.toUpperCase()]),
    fc.constantFrom('string', 'array'),
    fc.constantFrom(' ', '  '),
    fc.boolean(),
  )
  .map(([scopes, form, separator, padded]) => {
    const text = scopes.join(separator);
    return { scopes, value: form === 'array' ? scopes : padded ? ` ${text} ` : text };
  });

/** What is neither a space-separated string nor an array of strings. */
const notScopes = fc.constantFrom(
  42,
  true,
  null,
  {},
  { [SCOPES.read]: true },
  [[SCOPES.read]],
  [SCOPES.read, 7],
  [null],
);

describe('The scopes of a token', () => {
  it('are read from scope and scp alike, each a space-separated string or an array of strings', () => {
    fc.assert(
      fc.property(
        fc.option(writtenScopes, { nil: undefined }),
        fc.option(writtenScopes, { nil: undefined }),
        (scope, scp) => {
          const payload = { sub: 'alice', ...(scope && { scope: scope.value }), ...(scp && { scp: scp.value }) };
          const granted = [...(scope?.scopes ?? []), ...(scp?.scopes ?? [])].flatMap(granting);
          expect([...principalOf(payload).scopes].sort(), JSON.stringify(payload)).to.deep.equal(
            [...new Set(granted)].sort(),
          );
        },
      ),
      propertyParameters(500),
    );
  });

  for (const claim of SCOPE_CLAIMS) {
    it(`grants none from a ${claim} that is neither form, and keeps the other claim's`, () => {
      fc.assert(
        fc.property(notScopes, writtenScopes, (junk, other) => {
          const otherClaim = claim === 'scope' ? 'scp' : 'scope';
          const payload = { sub: 'alice', [claim]: junk, [otherClaim]: other.value };
          expect([...principalOf(payload).scopes].sort(), JSON.stringify(payload)).to.deep.equal(
            [...new Set(other.scopes.flatMap(granting))].sort(),
          );
        }),
        propertyParameters(200),
      );
    });
  }

  it("takes an Azure AD token's scp string", () => {
    const principal = principalOf({ sub: 'alice', scp: 'campaigns:read campaigns:write' });
    expect([...principal.scopes]).to.deep.equal([SCOPES.read, SCOPES.write]);
  });
});
