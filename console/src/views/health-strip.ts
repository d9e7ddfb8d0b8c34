import type { Api, Readiness } from '../api.js';
import { age, describeError } from '../format.js';
import { usePolling } from '../hooks.js';
import { html } from '../html.js';

/**
 * Readiness at a glance: the service, its database, the relay to Kafka and what waits in the outbox. A read that
 * failed says the service is unreachable, whatever an earlier one said.
 */
export function HealthStrip({ api }: { api: Api }) {
  const { value: health, error } = usePolling<Readiness>(() => api.readiness(), 5000, [api]);
  if (error) {
    return html`
      <section class="health health-unavailable" aria-label="Service health">
        <span><strong data-health="status">Service unreachable</strong> (${describeError(error)})</span>
        ${health ? html`<span class="stale">Its last answer: ${health.status}</span>` : null}
      </section>
    `;
  }
  if (health === undefined) {
    return html`<section class="health" aria-label="Service health"><span>Checking health…</span></section>`;
  }
  return html`
    <section class=${`health health-${health.status}`} aria-label="Service health">
      <span><span class="label">Service</span> <strong data-health="status">${health.status}</strong></span>
      <span><span class="label">Database</span> ${health.database.status} (${health.database.latencyMs} ms)</span>
      <span><span class="label">Relay</span> ${health.relay?.state ?? 'not running here'}</span>
      <span><span class="label">Outbox backlog</span> ${health.outbox?.backlog ?? '?'}</span>
      <span><span class="label">Oldest waiting</span> ${age(health.outbox?.oldestUnpublishedAgeSeconds)}</span>
    </section>
  `;
}
