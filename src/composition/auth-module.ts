import { ContainerModule } from 'inversify';
import { TokenVerifier } from '../adapters/auth/token-verifier.js';
import type { ServiceConfig } from '../adapters/config/config.js';
import { TYPES } from './types.js';

/** `developmentSecret` is the development secret when the configuration names no way to verify tokens. */
export function authModule(developmentSecret: string | undefined): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TYPES.TokenVerifier)
      .toResolvedValue(
        (config: ServiceConfig) => {
          const key =
            config.auth.mode === 'secret'
              ? { kind: 'secret' as const, secret: config.auth.secret }
              : config.auth.mode === 'jwks'
                ? { kind: 'jwks' as const, jwksUrl: config.auth.jwksUrl }
                : { kind: 'secret' as const, secret: developmentSecret ?? '' };
          return new TokenVerifier(key, {
            issuer: config.issuer,
            audience: config.audience,
            clockToleranceSeconds: config.clockToleranceSeconds,
          });
        },
        [TYPES.Config],
      )
      .inSingletonScope();
  });
}
