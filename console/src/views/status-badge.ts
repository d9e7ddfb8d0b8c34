import { html } from '../html.js';

export function StatusBadge({ status }: { status: string }) {
  return html`<span class=${`badge badge-${/^[a-z]+$/.test(status) ? status : 'other'}`}>${status}</span>`;
}
