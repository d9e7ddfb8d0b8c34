import Router from '@koa/router';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { authorized, type ProtectedHandler } from './auth-middleware.js';
import { EXACT_PATHS } from './exact-paths.js';

/**
 * The only way to add an API route: each one names its scope and gets its handler wrapped in the token check,
 * so a route without authentication cannot be written.
 */
export class ProtectedRouter {
  readonly router: Router;

  constructor(
    prefix: string,
    private readonly verifier: TokenVerifier,
  ) {
    this.router = new Router({ prefix, ...EXACT_PATHS });
  }

  get(path: string, scope: string, handler: ProtectedHandler): void {
    this.router.get(path, authorized(this.verifier, scope, handler));
  }

  post(path: string, scope: string, handler: ProtectedHandler): void {
    this.router.post(path, authorized(this.verifier, scope, handler));
  }
}
