import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeJwt } from 'jose';
import { ALL_SCOPES } from '../../../src/adapters/auth/principal.js';
import { longestTtlSeconds } from '../../../src/adapters/auth/token-minter.js';
import { TokenVerifier } from '../../../src/adapters/auth/token-verifier.js';
import { expect } from '../../support/expect.js';
import { propertyParameters, propertyTimeoutMs } from '../../support/property-runs.js';
import { runToExit } from '../../support/run-to-exit.js';
import { TEST_SECRET } from '../../support/test-service.js';

const ROLES = ['campaigns-all', 'campaigns-execute', 'campaigns-terminate'];

/** What one types after --ttl: digits, and the other ways a number may be written. */
const ttl = fc.oneof(
  fc.stringMatching(/^\d{1,6}$/),
  fc.stringMatching(/^\d{14,17}$/),
  fc.constantFrom(String(Number.MAX_SAFE_INTEGER), '9007199254740000'),
  fc.integer({ min: -2, max: 2 }).map((off) => String(longestTtlSeconds() + off * 60)),
  fc.constantFrom('0', '1e3', '0x10', ' 60', '60 ', '-5', '1.5', '', 'soon', '９'),
);
/** What one types after --scope: known scopes and roles, and words that are neither. */
const scope = fc
  .array(
    fc.oneof(fc.constantFrom(...ALL_SCOPES, ...ROLES), fc.constantFrom('campaigns:admin', 'read', 'Campaigns:Read')),
    {
      maxLength: 4,
    },
  )
  .map((words) => words.join(' '));
/** The issuer and audience the service may be set to check, as AUTH_ISSUER and AUTH_AUDIENCE. */
const required = fc.record({
  AUTH_ISSUER: fc.option(fc.constantFrom('https://idp.example', 'campaigns-dev'), { nil: undefined }),
  AUTH_AUDIENCE: fc.option(fc.constantFrom('campaigns', 'https://campaigns.example/api'), { nil: undefined }),
});
/** What one types after --sub; never NUL, which no command line carries. */
const sub = fc.oneof(
  fc.constantFrom('alice', 'ops bot', '', ' ', '\u0007x', 'x'.repeat(256)),
  fc.string({ maxLength: 8 }).filter((text) => !text.includes('\u0000')),
);

describe('npm run token', function () {
  this.timeout(propertyTimeoutMs(120_000));
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'campaigns-token-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('mints a token the service takes for exactly the options given, and refuses in one line any it would not (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(sub, scope, ttl, required, async (subject, scopes, seconds, checks) => {
        const settings = Object.fromEntries(Object.entries(checks).filter(([, value]) => value !== undefined));
        // The longest lifetime shrinks by a second every second: a ttl at its edge while the command ran may be
        // taken or refused, and either is right; any other ttl has one right answer.
        const longestBefore = longestTtlSeconds();
        const run = await runToExit(
          'cli/token.js',
          { DATA_DIR: dataDir, ...settings },
          { cwd: dataDir, args: [`--sub=${subject}`, `--scope=${scopes}`, `--ttl=${seconds}`] },
        );
        const words = scopes.split(' ').filter(Boolean);
        const usable =
          subject.trim() !== '' &&
          !/\p{Cc}/u.test(subject) &&
          [...subject].length <= 255 &&
          words.length > 0 &&
          words.every((word) => ALL_SCOPES.includes(word) || ROLES.includes(word)) &&
          /^\d+$/.test(seconds) &&
          Number(seconds) > 0 &&
          (Number(seconds) <= longestTtlSeconds() || (Number(seconds) <= longestBefore && run.code === 0));
        const label = JSON.stringify({ subject, scopes, seconds, out: run.stdout, err: run.stderr });
        expect(run.code, label).to.equal(usable ? 0 : 1);
        if (!usable) {
          expect(run.stdout, label).to.equal('');
          expect(run.stderr.trim().split('\n'), label).to.have.length(1);
          expect(run.stderr, label).to.match(/^--(sub|scope|ttl)/);
          return;
        }
        const token = run.stdout.trim();
        const verifier = new TokenVerifier(
          { kind: 'secret', secret: TEST_SECRET },
          { issuer: checks.AUTH_ISSUER, audience: checks.AUTH_AUDIENCE, clockToleranceSeconds: 5 },
        );
        const principal = await verifier.verify(token);
        expect(principal.subject, label).to.equal(subject);
        const claims = decodeJwt(token);
        expect({ sub: claims.sub, scope: claims.scope, lifetime: claims.exp! - claims.iat! }, label).to.deep.equal({
          sub: subject,
          scope: words.join(' '),
          lifetime: Number(seconds),
        });
      }),
      propertyParameters(25),
    );
  });
});
