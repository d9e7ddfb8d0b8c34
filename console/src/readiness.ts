import type { Readiness } from './api.js';

/**
 * The service's readiness in an answer of `/health/ready`; undefined when the answer is not one (a proxy's page,
 * another service's JSON), so the health strip says the service is unreachable instead of failing on it.
 */
export function readinessOf(body: unknown): Readiness | undefined {
  if (!isObject(body) || typeof body.status !== 'string') return undefined;
  const database = body.database;
  if (!isObject(database) || typeof database.status !== 'string' || typeof database.latencyMs !== 'number')
    return undefined;
  const outbox = body.outbox;
  const relay = body.relay;
  return {
    status: body.status,
    database: { status: database.status, latencyMs: database.latencyMs },
    ...(isObject(outbox) &&
    typeof outbox.backlog === 'number' &&
    (outbox.oldestUnpublishedAgeSeconds === null || typeof outbox.oldestUnpublishedAgeSeconds === 'number')
      ? { outbox: { backlog: outbox.backlog, oldestUnpublishedAgeSeconds: outbox.oldestUnpublishedAgeSeconds } }
      : {}),
    ...(isObject(relay) && typeof relay.state === 'string' ? { relay: { state: relay.state } } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
