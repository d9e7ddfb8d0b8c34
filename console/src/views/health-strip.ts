import type { Api, Readiness } from '../api.js';
import { age } from '../format.js';
import { usePolling } from '../hooks.js';
import { html } from '../html.js';

/** Readiness at a glance: the service, its database, the relay to Kafka and what waits in the outbox. */
export function HealthStrip({ api }: { api: Api }) {
  const { value: health, error } = usePolling<Readiness>(() => api.readiness(), 5000, [api]);
  if (health === undefined) {
    return html`<section class="health" aria-label="Service health"><span>${error ? 'Service unreachable' : 'Checking health…'}</span></section>`;
  }
  return html`
    <section class=${`health health-${health.status}`} aria-label="Service health">
      <span><span class="label">Service</span> <strong data-health="status">${health.status}</strong></span>
      <span><span class="label">Database</span> ${health.database.status} (${health.database.latencyMs} ms)</span>
      <span><span class="label">Relay</span> ${health.relay?.state ?? 'not running here'}</span>
      <span><span class="label">Outbox backlog</span> ${health.outbox?.backlog ?? '?'}</span>
      <span><span class="label">Oldest waiting</span> ${age(health.outbox?.oldestUnpublishedAgeSeconds)}</span>
      ${error ? html`<span class="stale">(last answer; service unreachable now)</span>` : null}
    </section>
  `;
}
