import type { Api, EventPage } from '../api.js';
import { describeError, instant } from '../format.js';
import { usePolling } from '../hooks.js';
import { html } from '../html.js';
import { useState } from '../vendor/preact-hooks.js';
import { REFRESH_MS } from './campaign-list.js';

const PAGE_SIZE = 20;

/** What happened to the campaign, newest first, and whether each event reached Kafka or still waits in the outbox. */
export function EventHistory({ api, id }: { api: Api; id: string }) {
  const [start, setStart] = useState(0);
  const { value: page, error } = usePolling<EventPage>(
    () => api.events(id, { start, pageSize: PAGE_SIZE }),
    REFRESH_MS,
    [api, id, start],
  );
  return html`
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Event history</h2>
      ${error ? html`<p class="error" role="alert">Could not load the history: ${describeError(error)}</p>` : null}
      ${page?.total === 0 ? html`<p class="empty">No events yet: a campaign records one at each change of its lifecycle.</p>` : null}
      ${
        page && page.total > 0
          ? html`
            <table class="events">
              <thead><tr><th scope="col">Event</th><th scope="col">Time</th><th scope="col">By</th><th scope="col">Kafka</th></tr></thead>
              <tbody>
                ${page.events.map(
                  (e) => html`
                    <tr key=${e.eventId}>
                      <td data-label="Event">${e.type}</td>
                      <td data-label="Time">${instant(e.occurredAt)}</td>
                      <td data-label="By"><bdi>${e.by ?? 'the schedule'}</bdi></td>
                      <td data-label="Kafka">
                        ${
                          e.published
                            ? html`<span class="published">published ${instant(e.publishedAt)}</span>`
                            : html`<span class="waiting">waiting in the outbox</span>`
                        }
                      </td>
                    </tr>
                  `,
                )}
              </tbody>
            </table>
            <nav class="pager" aria-label="History pages">
              <button type="button" disabled=${start === 0} onClick=${() => setStart(Math.max(0, start - PAGE_SIZE))}>Newer</button>
              <span aria-live="polite">${start + 1}–${Math.min(start + PAGE_SIZE, page.total)} of ${page.total}</span>
              <button type="button" disabled=${start + PAGE_SIZE >= page.total} onClick=${() => setStart(start + PAGE_SIZE)}>Older</button>
            </nav>
          `
          : null
      }
    </section>
  `;
}
