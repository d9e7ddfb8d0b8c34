export const STATUSES = ['draft', 'scheduled', 'running', 'paused', 'terminated', 'completed'];
export const SORTS = [
  ['newest', 'Newest first'],
  ['nextStart', 'Next to start'],
  ['id', 'Id'],
] as const;
export const PAGE_SIZES = [10, 25, 50, 100];

export interface ListFilters {
  status: string;
  search: string;
  sort: string;
  pageSize: number;
  start: number;
}

const DEFAULTS: ListFilters = { status: '', search: '', sort: 'newest', pageSize: 25, start: 0 };

/** The filters a list address names (`#/?status=paused&search=sale&start=25`); any other value is left at its default. */
export function filtersOf(hash: string): ListFilters {
  const query = new URLSearchParams(/^#\/\?(.*)$/.exec(hash)?.[1] ?? '');
  const pick = (name: string, allowed: (value: string) => boolean) => {
    const value = query.get(name);
    return value !== null && allowed(value) ? value : undefined;
  };
  const status = pick('status', (v) => STATUSES.includes(v));
  const search = pick('search', () => true);
  const sort = pick('sort', (v) => SORTS.some(([value]) => value === v));
  const pageSize = pick('pageSize', (v) => PAGE_SIZES.map(String).includes(v));
  const start = pick('start', (v) => /^\d{1,9}$/.test(v));
  return {
    status: status ?? DEFAULTS.status,
    search: search ?? DEFAULTS.search,
    sort: sort ?? DEFAULTS.sort,
    pageSize: pageSize === undefined ? DEFAULTS.pageSize : Number(pageSize),
    start: start === undefined ? DEFAULTS.start : Number(start),
  };
}

/** The list's address for these filters, naming only those that differ from the defaults. */
export function addressOf(filters: ListFilters): string {
  const query = new URLSearchParams();
  for (const name of Object.keys(DEFAULTS) as Array<keyof ListFilters>)
    if (filters[name] !== DEFAULTS[name]) query.set(name, String(filters[name]));
  const text = query.toString();
  return text === '' ? '#/' : `#/?${text}`;
}

let lastListAddress = '#/';

/** Back to the list goes to the list as it was last shown in this tab. */
export function listAddress(): string {
  return lastListAddress;
}

/** Keeps the filters in the address bar, without a new history entry, and as the way back to the list. */
export function showListAddress(filters: ListFilters): void {
  lastListAddress = addressOf(filters);
  if ((location.hash || '#/') !== lastListAddress) history.replaceState(null, '', lastListAddress);
}
