import { useEffect, useRef, useState } from './vendor/preact-hooks.js';

/**
 * Runs `load` now and again `intervalMs` after each answer, for as long as the component shows and `deps` stay
 * the same; a change of `deps` loads at once. Answers of an earlier `deps` are dropped.
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[]) {
  const [state, setState] = useState<{ value?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const value = await latest.current();
        if (active) setState({ value, loading: false });
      } catch (error) {
        if (active) setState((previous) => ({ ...previous, error, loading: false }));
      }
      if (active) timer = setTimeout(run, intervalMs);
    };
    setState((previous) => ({ ...previous, error: undefined, loading: true }));
    void run();
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
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
