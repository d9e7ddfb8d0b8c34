import type { Context } from 'koa';

/**
 * Once the service is stopping, every answer closes its connection (`Connection: close`), decided when the
 * answer leaves, not when the request came: a request that arrived earlier and waited (for the database)
 * must not leave a keep-alive connection open behind it, or the server could not finish closing.
 */
export function closeConnectionWhileDraining(ctx: Context, draining: (() => boolean) | undefined): void {
  if (draining?.()) ctx.set('Connection', 'close');
}
