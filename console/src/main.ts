import { html } from './html.js';
import { type LinkedToken, tokenFromFragment } from './session.js';
import { render } from './vendor/preact.js';
import { App } from './views/app.js';

/**
 * A link opened in this tab while the console is open changes only the fragment: the page is not loaded again. Its
 * token is taken out before any view reads the new address (listeners run in the order they were added).
 */
const linkListeners = new Set<(link: LinkedToken) => void>();
addEventListener('hashchange', () => {
  const link = tokenFromFragment();
  if (link.kind !== 'none') for (const listener of linkListeners) listener(link);
});
const onLink = (listener: (link: LinkedToken) => void) => {
  linkListeners.add(listener);
  return () => void linkListeners.delete(listener);
};

render(html`<${App} firstLink=${tokenFromFragment()} onLink=${onLink} />`, document.getElementById('app')!);
