import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';

/** Requests told `100 Continue`: their client was asked for the body. */
const continued = new WeakSet<IncomingMessage>();

/** An HTTP/1.1 request that waits for `100 Continue` before it sends its body (RFC 9110 §10.1.1). */
function waitsToSendItsBody(req: IncomingMessage): boolean {
  const { headers, httpVersionMajor, httpVersionMinor } = req;
  return (
    httpVersionMajor === 1 &&
    httpVersionMinor >= 1 &&
    headers.expect?.toLowerCase() === '100-continue' &&
    (headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0)
  );
}

/**
 * Asks for the body, once, when the request's client waits to be asked: only once the request is going to be read,
 * so one refused before (no token, another media type, too large, no such route) costs its client no upload. An
 * answer given without asking closes its connection (node:http does that itself): the client may send the body or
 * not, so what comes next on the connection could not be told apart from it (RFC 9110 §10.1.1).
 */
export function askForBodyIfAwaited(ctx: Context): void {
  if (!waitsToSendItsBody(ctx.req) || continued.has(ctx.req)) return;
  continued.add(ctx.req);
  ctx.res.writeContinue();
}
