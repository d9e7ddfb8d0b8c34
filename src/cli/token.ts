import { parseArgs } from 'node:util';
import { loadOrCreateDevelopmentSecret } from '../adapters/auth/development-secret.js';
import { ALL_SCOPES, ROLE_SCOPES } from '../adapters/auth/principal.js';
import { subjectProblem } from '../adapters/auth/token-claims.js';
import { longestTtlSeconds, mintTokenFor } from '../adapters/auth/token-minter.js';
import { ConfigError, loadConfig } from '../adapters/config/config.js';

const usage = `Mints an HS256 token for this service (development, tests, scripts).
Usage: npm run token -- [--sub NAME] [--scope "campaigns:read campaigns:execute"] [--ttl SECONDS]
Signs with AUTH_JWT_SECRET when set, otherwise with the development secret in the data directory.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string', default: 'developer' },
      scope: { type: 'string', default: ALL_SCOPES.join(' ') },
      ttl: { type: 'string', default: '3600' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${usage}\n`);
  const { subject, scopes, ttlSeconds } = optionsOf(values);
  const config = loadConfig();
  if (config.auth.mode === 'jwks') {
    throw new ConfigError(['AUTH_JWKS_URL is set: tokens come from your identity provider, not from this command']);
  }
  const secret = config.auth.mode === 'secret' ? config.auth.secret : loadOrCreateDevelopmentSecret(config.dataDir);
  const token = await mintTokenFor(config, { secret, subject, scopes, ttlSeconds });
  process.stdout.write(`${token}\n`);
}

/** The options, each checked: a bad one is refused rather than a token minted that the service would refuse or deny. */
function optionsOf(values: { sub: string; scope: string; ttl: string }) {
  const subjectRefused = subjectProblem(values.sub);
  if (subjectRefused !== undefined) throw new Error(`--sub: ${subjectRefused}`);
  const scopes = values.scope.split(' ').filter(Boolean);
  const known = [...ALL_SCOPES, ...ROLE_SCOPES.keys()];
  const unknown = scopes.filter((scope) => !known.includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new Error(
      `--scope ${unknown.length > 0 ? `names what is no scope (${unknown.join(' ')})` : 'names no scope'}: give one or more of ${known.join(' ')}`,
    );
  }
  if (!/^\d+$/.test(values.ttl) || Number(values.ttl) <= 0 || !Number.isSafeInteger(Number(values.ttl))) {
    throw new Error('--ttl must be a whole number of seconds above 0, in decimal digits (e.g. 3600)');
  }
  const longest = longestTtlSeconds();
  if (Number(values.ttl) > longest) {
    throw new Error(`--ttl must be at most ${longest} seconds: a token must expire at a time the service can read`);
  }
  return { subject: values.sub, scopes, ttlSeconds: Number(values.ttl) };
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
