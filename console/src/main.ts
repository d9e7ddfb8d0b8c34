import { html } from './html.js';
import { render } from './vendor/preact.js';
import { App } from './views/app.js';
import { takeTokenFromFragment } from './session.js';

takeTokenFromFragment();
render(html`<${App} />`, document.getElementById('app')!);
