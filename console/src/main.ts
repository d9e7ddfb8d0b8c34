import { html } from './html.js';
import { takeTokenFromFragment } from './session.js';
import { render } from './vendor/preact.js';
import { App } from './views/app.js';

const link = takeTokenFromFragment();
render(html`<${App} linkUnusable=${link === 'unusable'} />`, document.getElementById('app')!);
