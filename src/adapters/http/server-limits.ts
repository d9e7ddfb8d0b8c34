import type { ServerOptions } from 'node:http';

/** The time limits an operator may shorten or lengthen (HTTP_HEADERS_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS). */
export interface ConnectionTimeouts {
  /** From the connection's first moment until a request's headers have all arrived; silent clients included. */
  headersTimeoutMs: number;
  /** How long a keep-alive connection may stay idle after an answer before the server closes it. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_CONNECTION_TIMEOUTS: ConnectionTimeouts = {
  headersTimeoutMs: 10_000,
  /** Longer than a load balancer's usual 60 s idle timeout, so the balancer closes first. */
  keepAliveTimeoutMs: 65_000,
};

/** node:http keeps an idle keep-alive socket this much longer than its `keepAliveTimeout` (and advertises less). */
export const NODE_KEEP_ALIVE_BUFFER_MS = 1_000;

/** All request headers together; a bearer token is about 1 KiB. */
export const MAX_HEADER_BYTES = 16 * 1024;

/** Until the whole request, body included, has arrived. */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Limits of the HTTP server itself; the body limit (1 MiB) is in json-body.ts. A request that breaks one is
 * answered before it reaches the app (431 for large headers, 408 for a slow request), as JSON (client-errors.ts).
 * The Host header is checked by the app, so that its refusal is JSON too.
 */
export function serverOptions(timeouts: ConnectionTimeouts): ServerOptions {
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: Math.max(REQUEST_TIMEOUT_MS, timeouts.headersTimeoutMs),
    keepAliveTimeout: timeouts.keepAliveTimeoutMs - NODE_KEEP_ALIVE_BUFFER_MS,
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(timeouts.headersTimeoutMs / 4)),
    requireHostHeader: false,
  };
}
