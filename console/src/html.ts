import htm from './vendor/htm.js';
import { h } from './vendor/preact.js';

/** JSX-like templates without a compiler: html`<p>${text}</p>` renders `text` as text, never as markup. */
export const html = htm.bind(h);
