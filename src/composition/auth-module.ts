import { ContainerModule } from 'inversify';
import type { Logger } from 'pino';
import { TokenVerifier } from '../adapters/auth/token-verifier.js';
import { VerifiedTokenCache } from '../adapters/auth/verified-token-cache.js';
import type { ServiceConfig } from '../adapters/config/config.js';
import { TYPES } from './types.js';

/**
 * `developmentSecret` gives the development secret when the configuration names no way to verify tokens. It is read
 * when the verifier is first asked for: startup keeps it only once the database is reached, so a setup that fails
 * before then leaves no secret behind.
 */
export function authModule(developmentSecret: () => string): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TYPES.TokenVerifier)
      .toResolvedValue(
        (config: ServiceConfig, logger: Logger) => {
          const key =
            config.auth.mode === 'secret'
              ? { kind: 'secret' as const, secret: config.auth.secret }
              : config.auth.mode === 'jwks'
                ? { kind: 'jwks' as const, jwksUrl: config.auth.jwksUrl }
                : { kind: 'secret' as const, secret: developmentSecret() };
          return new TokenVerifier(
            key,
            { issuer: config.issuer, audience: config.audience, clockToleranceSeconds: config.clockToleranceSeconds },
            new VerifiedTokenCache(),
            (problem) =>
              problem === undefined
                ? logger.info({ component: 'auth' }, 'the key set at AUTH_JWKS_URL is read again')
                : logger.warn(
                    { component: 'auth', error: problem },
                    'the key set at AUTH_JWKS_URL cannot be fetched: requests with a token are answered 503',
                  ),
          );
        },
        [TYPES.Config, TYPES.Logger],
      )
      .inSingletonScope();
  });
}

/**
 * A key set is usually an identity provider's, which signs tokens for other services too: without AUTH_AUDIENCE a
 * token it issued for any of them is taken here, with whatever scopes it carries. Said once at startup.
 */
export function warnOfUncheckedAudience(config: ServiceConfig, logger: Logger): void {
  if (config.auth.mode !== 'jwks' || config.audience !== undefined) return;
  logger.warn(
    { setting: 'AUTH_AUDIENCE' },
    "tokens signed by a key at AUTH_JWKS_URL are taken whatever their audience (aud): set AUTH_AUDIENCE to the audience the identity provider puts in this service's tokens, or tokens it issued for other services are taken here too",
  );
}
