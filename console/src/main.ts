import { html } from './html.js';
import { takeTokenFromFragment } from './session.js';
import { render } from './vendor/preact.js';
import { App } from './views/app.js';

takeTokenFromFragment();
render(html`<${App} />`, document.getElementById('app')!);
