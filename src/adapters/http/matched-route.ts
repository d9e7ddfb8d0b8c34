import type { Context } from 'koa';

/** What the router stores on the context: every layer whose path matched, routes and `use` middleware alike. */
interface RouterLayer {
  path: string;
  methods: string[];
}

/**
 * The route pattern that served the request (`/api/v1/campaigns/:id/start`), never the raw path, so logs and
 * metrics do not grow a new series per id. `undefined` when no route has this path.
 */
export function matchedRoute(ctx: Context): string | undefined {
  const layers = ((ctx as unknown as { matched?: RouterLayer[] }).matched ?? []).filter((l) => l.methods.length > 0);
  const sameMethod = layers.filter((layer) => layer.methods.includes(ctx.method));
  return (sameMethod.at(-1) ?? layers.at(-1))?.path;
}
