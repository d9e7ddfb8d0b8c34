import { parseArgs } from 'node:util';
import { loadOrCreateDevelopmentSecret } from '../adapters/auth/development-secret.js';
import { ALL_SCOPES } from '../adapters/auth/principal.js';
import { mintToken } from '../adapters/auth/token-minter.js';
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
  const ttlSeconds = Number(values.ttl);
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0)
    throw new ConfigError(['--ttl must be a positive number of seconds']);
  const config = loadConfig();
  if (config.auth.mode === 'jwks') {
    throw new ConfigError(['AUTH_JWKS_URL is set: tokens come from your identity provider, not from this command']);
  }
  const secret = config.auth.mode === 'secret' ? config.auth.secret : loadOrCreateDevelopmentSecret(config.dataDir);
  const token = await mintToken({
    secret,
    subject: values.sub,
    scopes: values.scope.split(' ').filter(Boolean),
    ttlSeconds,
    ...(config.issuer !== undefined ? { issuer: config.issuer } : {}),
    ...(config.audience !== undefined ? { audience: config.audience } : {}),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
