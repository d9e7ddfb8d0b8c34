import { type Api, ApiError, type Campaign } from '../api.js';
import { describeError, instant } from '../format.js';
import { useFocusOnShow, usePolling, useTitle } from '../hooks.js';
import { html } from '../html.js';
import { listAddress } from '../list-address.js';
import type { Session } from '../session.js';
import { CampaignActions, type Deleted } from './campaign-actions.js';
import { REFRESH_MS } from './campaign-list.js';
import { EventHistory } from './event-history.js';
import { StatusBadge } from './status-badge.js';

/** Labels of the fields the console knows; any other field the service adds is shown under its own name. */
const LABELS: Record<string, string> = {
  id: 'Id',
  name: 'Name',
  status: 'Status',
  description: 'Description',
  zone: 'Zone',
  startAt: 'Start (UTC)',
  startDateStr: 'Start (campaign zone)',
  endAt: 'End (UTC)',
  endDateStr: 'End (campaign zone)',
  startedAt: 'Started',
  pausedAt: 'Paused',
  pausedDateStr: 'Paused (campaign zone)',
  terminatedAt: 'Terminated',
  terminatedDateStr: 'Terminated (campaign zone)',
  completedAt: 'Completed',
  createdAt: 'Created',
  createdDateStr: 'Created (campaign zone)',
  createdBy: 'Created by',
  updatedAt: 'Last changed',
  lastModifiedDateStr: 'Last changed (campaign zone)',
  updatedBy: 'Last changed by',
  lastModifiedBy: 'Last modified by (Volt MX)',
  version: 'Version',
  campaignType: 'Type',
  campaignSegments: 'Segments',
  campaignMessages: 'Push messages',
  campaignMails: 'Mails',
  campaignSms: 'SMS',
  campaignVoiceSms: 'Voice SMS',
  campaignPasses: 'Passes',
  campaignChannelPriorities: 'Channel priorities',
};
const ORDER = Object.keys(LABELS);

export function CampaignPage({
  api,
  id,
  session,
  onDeleted,
}: {
  api: Api;
  id: string;
  session: Session;
  onDeleted: (deleted: Deleted) => void;
}) {
  const { value: campaign, error, reload } = usePolling<Campaign>(() => api.campaign(id), REFRESH_MS, [api, id]);
  const gone = error instanceof ApiError && error.status === 404;
  const heading = useFocusOnShow();
  useTitle(campaign?.name ?? `Campaign ${id}`);
  return html`
    <p><a href=${listAddress()}>← All campaigns</a></p>
    ${campaign === undefined && !error ? html`<p>Loading…</p>` : null}
    ${gone ? html`<h1 tabindex="-1" ref=${heading}>Campaign ${id}</h1><p class="notice" role="status">No campaign has this id: it was deleted, or never made.</p>` : null}
    ${error && !gone ? html`<p class="error" role="alert">Could not load the campaign: ${describeError(error)}</p>` : null}
    ${
      campaign && !gone
        ? html`
          <h1 tabindex="-1" class="campaign-title" ref=${heading}><bdi class="name">${campaign.name}</bdi> <${StatusBadge} status=${campaign.status} /></h1>
          <${CampaignActions} api=${api} campaign=${campaign} session=${session} onChanged=${reload} onDeleted=${onDeleted} />
          <${CampaignFields} campaign=${campaign} />
        `
        : null
    }
    <${EventHistory} api=${api} id=${id} />
  `;
}

function CampaignFields({ campaign }: { campaign: Campaign }) {
  return html`
    <section aria-labelledby="fields-heading">
      <h2 id="fields-heading">Fields</h2>
      <dl class="fields">
        ${Object.entries(campaign)
          .sort(([a], [b]) => rank(a) - rank(b))
          .map(
            ([field, value]) => html`
            <div data-field=${field}>
              <dt>${LABELS[field] ?? field}</dt>
              <dd class=${show(field, value) === '—' ? 'none' : ''}>${isolated(value, show(field, value))}</dd>
            </div>
          `,
          )}
      </dl>
    </section>
  `;
}

/** Known fields in reading order, then any field the service added, in its own order. */
function rank(field: string): number {
  const known = ORDER.indexOf(field);
  return known === -1 ? ORDER.length : known;
}

/** A string in JSON text, quotes and escapes included. */
const JSON_STRING = /("(?:[^"\\]|\\.)*")/;

/** The value with each text in it isolated (a JSON value's strings one by one): its direction changes nothing around it. */
function isolated(value: unknown, text: string) {
  if (typeof value !== 'object' || value === null) return html`<bdi>${text}</bdi>`;
  return text.split(JSON_STRING).map((part, i) => (i % 2 === 1 ? html`<bdi>${part}</bdi>` : part));
}

function show(field: string, value: unknown): string {
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '—';
  if (typeof value === 'string' && /At$/.test(field)) return instant(value);
  return typeof value === 'string' ? value : JSON.stringify(value, null, 1);
}
