import { ApiError } from './api.js';
import { useEffect, useRef, useState } from './vendor/preact-hooks.js';

/**
 * A read is repeated no sooner than this many times as long as it took: a slow read (a page of large campaigns, a
 * busy service) keeps one tab from holding the service busy more than a fifth of the time.
 */
export const SLOW_READ_FACTOR = 4;

/**
 * Runs `load` now and again after each answer, for as long as the component shows, its tab is visible and `deps`
 * stay the same: `intervalMs` later, or `SLOW_READ_FACTOR` times as long as the read took when that is longer. A read
 * that failed (its deadline passed, the network failed) is tried again `intervalMs` later: only an answer's time says
 * how busy the service is. A refusal that asking again would only repeat ({@link refusedForGood}) ends the repeating
 * until `deps` change or `reload` is called. A hidden tab reads nothing and reads at once when it is shown again; a
 * change of `deps` loads at once. Answers of an earlier `deps` are dropped.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[]) {
  const [state, setState] = useState<{ value?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let active = true;
    let reading = false;
    let refused = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      timer = undefined;
      if (document.visibilityState === 'hidden' || refused) return;
      reading = true;
      const began = performance.now();
      let wait = intervalMs;
      try {
        const value = await latest.current();
        if (active) setState({ value, loading: false });
        wait = Math.max(intervalMs, SLOW_READ_FACTOR * (performance.now() - began));
      } catch (error) {
        if (active) setState((previous) => ({ ...previous, error, loading: false }));
        refused = refusedForGood(error);
      }
      reading = false;
      if (active && !refused) timer = setTimeout(run, wait);
    };
    const shown = () => {
      if (document.visibilityState === 'hidden' || reading) return;
      clearTimeout(timer);
      void run();
    };
    setState((previous) => ({ ...previous, error: undefined, loading: true }));
    document.addEventListener('visibilitychange', shown);
    void run();
    return () => {
      active = false;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', shown);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

/**
 * The service's own refusal of a read (a 403 for a token without the scope, a 404 for an id no campaign has), which
 * it would give again to the same request; unlike a 408, 425 or 429, which ask the client to come back later, and a 5xx.
 */
export function refusedForGood(error: unknown): boolean {
  return error instanceof ApiError && error.status < 500 && ![408, 425, 429].includes(error.status);
}

/**
 * A ref for a page's heading that moves the focus to it the first time it shows: after a link or an action opened
 * the page, the keyboard and a screen reader go on from there, not from the top of the document.
 */
export function useFocusOnShow() {
  const focused = useRef(false);
  return (element: HTMLElement | null) => {
    if (element === null || focused.current) return;
    focused.current = true;
    element.focus();
  };
}

/** Names the page shown in the window's title (and so in the tab, the history and a screen reader's page name). */
export function useTitle(page: string): void {
  useEffect(() => {
    document.title = `${page} · Campaign console`;
  }, [page]);
}

export type Route =
  | { page: 'list' }
  | { page: 'new' }
  | { page: 'campaign'; id: string }
  | { page: 'edit'; id: string };

export function routeOf(hash: string): Route {
  const campaign = /^#\/campaigns\/(\d{1,19})(\/edit)?$/.exec(hash);
  if (campaign) return campaign[2] ? { page: 'edit', id: campaign[1]! } : { page: 'campaign', id: campaign[1]! };
  if (hash === '#/new') return { page: 'new' };
  return { page: 'list' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const changed = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

export function go(hash: string): void {
  location.hash = hash;
}
