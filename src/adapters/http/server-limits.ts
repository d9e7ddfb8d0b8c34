import type { ServerOptions } from 'node:http';

/**
 * Limits of the HTTP server itself; the body limit (1 MiB) is in json-body.ts. A request that breaks one
 * is answered by node:http (431 for large headers, 408 for a slow request) before it reaches the app.
 */
export const SERVER_LIMITS = {
  /** All request headers together; a bearer token is about 1 KiB. */
  maxHeaderSize: 16 * 1024,
  /** Until the headers have arrived: a client that trickles them is cut off (slowloris). */
  headersTimeout: 10_000,
  /** Until the whole request, body included, has arrived. */
  requestTimeout: 30_000,
  /** An idle keep-alive connection is kept this long; longer than a load balancer's usual 60 s idle timeout. */
  keepAliveTimeout: 65_000,
  /** How often the timeouts above are checked. */
  connectionsCheckingInterval: 1_000,
  requireHostHeader: true,
} as const satisfies ServerOptions;
