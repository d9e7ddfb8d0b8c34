import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';

/** Requests told `100 Continue`: their client was asked for the body. */
const continued = new WeakSet<IncomingMessage>();

/** An HTTP/1.1 request that waits for `100 Continue` before it sends its body (RFC 9110 §10.1.1). */
function waitsForContinue(req: IncomingMessage): boolean {
  return (
    req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.expect?.toLowerCase() === '100-continue'
  );
}

/**
 * Asks for the body of a request that has one (json-body.ts reads only those), once, when its client waits to be
 * asked: only once the request is going to be read, so one refused before (no token, another media type, too large,
 * no such route) costs its client no upload. An
 * answer given without asking closes its connection (node:http does that itself): the client may send the body or
 * not, so what comes next on the connection could not be told apart from it (RFC 9110 §10.1.1).
 */
export function askForBodyIfAwaited(ctx: Context): void {
  if (!waitsForContinue(ctx.req) || continued.has(ctx.req)) return;
  continued.add(ctx.req);
  ctx.res.writeContinue();
}
