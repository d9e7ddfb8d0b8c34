import type { Api, CampaignPage } from '../api.js';
import { readFitting } from '../fitting-page.js';
import { describeError, zoned } from '../format.js';
import { routeOf, useFocusOnShow, usePolling, useTitle } from '../hooks.js';
import { html } from '../html.js';
import { filtersOf, type ListFilters, PAGE_SIZES, SORTS, STATUSES, showListAddress } from '../list-address.js';
import { useEffect, useRef, useState } from '../vendor/preact-hooks.js';
import type { Deleted } from './campaign-actions.js';
import { StatusBadge } from './status-badge.js';

/** A change made by anyone shows within this time. */
export const REFRESH_MS = 1000;

/** What is typed in the search is looked for once typing pauses this long: one read a word, not one a keystroke. */
export const SEARCH_PAUSE_MS = 300;

/** The filters live in the address (`#/?status=paused&start=25`), so going back to the list finds them as they were. */
export function CampaignList({ api, deleted }: { api: Api; deleted?: Deleted | undefined }) {
  const [filters, setFilters] = useState(() => filtersOf(location.hash));
  // The search as typed, looked for once typing pauses; the address's search when the address changes.
  const [typed, setTyped] = useState(filters.search);
  const heading = useFocusOnShow();
  useTitle('Campaigns');
  useEffect(() => {
    const follow = () => {
      if (routeOf(location.hash).page !== 'list') return;
      const followed = filtersOf(location.hash);
      setFilters(followed);
      setTyped(followed.search);
    };
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => {
    if (routeOf(location.hash).page === 'list') showListAddress(filters);
  }, [filters]);
  const { status, search, sort, pageSize, start } = filters;
  const query = { start, pageSize, status, search: search.trim(), sort };
  // A page of large campaigns is read at the size the service says fits; the next reads of it start there.
  const fitted = useRef<{ query: string; pageSize: number } | undefined>(undefined);
  // The page on screen carries the offset and size it was read at, so the pager never describes a page still loading.
  const { value: shown, error } = usePolling<ShownPage>(
    async () => {
      const asked = JSON.stringify(query);
      const first = fitted.current?.query === asked ? fitted.current.pageSize : query.pageSize;
      const read = await readFitting((size) => api.listCampaigns({ ...query, pageSize: size }), first);
      fitted.current = { query: asked, pageSize: read.pageSize };
      return { page: read.page, start: query.start, pageSize: read.pageSize };
    },
    REFRESH_MS,
    Object.values(query),
  );
  // A page past the end (campaigns deleted since, an old address) gives way to the last page there is.
  useEffect(() => {
    if (shown === undefined || shown.page.campaigns.length > 0 || shown.start === 0 || shown.page.total === 0) return;
    const lastStart = Math.floor((shown.page.total - 1) / shown.pageSize) * shown.pageSize;
    setFilters((previous) => (previous.start === shown.start ? { ...previous, start: lastStart } : previous));
  }, [shown]);
  const refine = (change: Partial<ListFilters>) => setFilters((previous) => ({ ...previous, ...change, start: 0 }));
  const setStart = (start: number) => setFilters((previous) => ({ ...previous, start }));
  useEffect(() => {
    if (typed === search) return;
    const paused = setTimeout(() => refine({ search: typed }), SEARCH_PAUSE_MS);
    return () => clearTimeout(paused);
  }, [typed]);
  const inputValue = (event: Event) => (event.target as HTMLInputElement | HTMLSelectElement).value;

  return html`
    <h1 tabindex="-1" ref=${heading}>Campaigns</h1>
    ${deleted ? html`<p class="success" role="status">Deleted <bdi>${deleted.name}</bdi>${` (${deleted.id}).`}</p>` : null}
    <form class="filters" role="search" onSubmit=${(e: Event) => {
      e.preventDefault();
      if (typed !== search) refine({ search: typed });
    }}>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" value=${status} onChange=${(e: Event) => refine({ status: inputValue(e) })}>
          <option value="">Any status</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </div>
      <div class="field grow">
        <label for="filter-search">Search by name or id</label>
        <input id="filter-search" type="search" value=${typed} autocomplete="off"
          onInput=${(e: Event) => setTyped(inputValue(e))} />
      </div>
      <div class="field">
        <label for="filter-sort">Sort</label>
        <select id="filter-sort" value=${sort} onChange=${(e: Event) => refine({ sort: inputValue(e) })}>
          ${SORTS.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="filter-size">Per page</label>
        <select id="filter-size" value=${String(pageSize)} onChange=${(e: Event) => refine({ pageSize: Number(inputValue(e)) })}>
          ${PAGE_SIZES.map((n) => html`<option value=${String(n)}>${n}</option>`)}
        </select>
      </div>
    </form>
    ${error ? html`<p class="error" role="alert">Could not load campaigns: ${describeError(error)}</p>` : null}
    ${shown !== undefined && shown.pageSize < pageSize ? html`<p class="notice" data-fitted-page>${fittedPageText(shown.pageSize, pageSize)}</p>` : null}
    ${shown === undefined ? html`<p>Loading…</p>` : html`<${CampaignTable} page=${shown.page} />`}
    ${
      shown === undefined
        ? null
        : html`<${Pager} total=${shown.page.total} start=${shown.start} shown=${shown.page.campaigns.length} pageSize=${shown.pageSize} onStart=${setStart} />`
    }
  `;
}

interface ShownPage {
  page: CampaignPage;
  start: number;
  pageSize: number;
}

function fittedPageText(fits: number, asked: number): string {
  return `These campaigns are large: ${asked} of them hold more than the service answers at once (8 MiB), so ${fits} are shown a page.`;
}

function CampaignTable({ page }: { page: CampaignPage }) {
  if (page.campaigns.length === 0) return html`<p class="empty">No campaign matches.</p>`;
  return html`
    <table class="campaigns">
      <caption class="visually-hidden">Campaigns, ${page.total} in all</caption>
      <thead>
        <tr><th scope="col">Name</th><th scope="col">Id</th><th scope="col">Status</th><th scope="col">Start</th><th scope="col">End</th><th scope="col">Last changed by</th></tr>
      </thead>
      <tbody>
        ${page.campaigns.map(
          (c) => html`
            <tr key=${c.id} data-campaign-id=${c.id}>
              <td data-label="Name"><a href=${`#/campaigns/${c.id}`}><bdi>${c.name}</bdi></a></td>
              <td data-label="Id" class="mono">${c.id}</td>
              <td data-label="Status"><${StatusBadge} status=${c.status} /></td>
              <td data-label="Start"><bdi>${zoned(c.startDateStr, c.zone)}</bdi></td>
              <td data-label="End"><bdi>${zoned(c.endDateStr, c.zone)}</bdi></td>
              <td data-label="Last changed by"><bdi>${c.updatedBy}</bdi></td>
            </tr>
          `,
        )}
      </tbody>
    </table>
  `;
}

function Pager(props: {
  total: number;
  start: number;
  shown: number;
  pageSize: number;
  onStart: (start: number) => void;
}) {
  const { total, start, shown, pageSize, onStart } = props;
  const last = start + shown;
  return html`
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled=${start === 0} onClick=${() => onStart(Math.max(0, start - pageSize))}>Previous</button>
      <span aria-live="polite">${shown === 0 ? '0' : `${start + 1}–${last}`} of ${total}</span>
      <button type="button" disabled=${last >= total} onClick=${() => onStart(start + pageSize)}>Next</button>
    </nav>
  `;
}
