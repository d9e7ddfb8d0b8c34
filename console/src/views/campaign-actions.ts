import { type Api, ApiError, answered, type Campaign, NoAnswer, newIdempotencyKey, type Verb } from '../api.js';
import { describeError, unansweredChange } from '../format.js';
import { go } from '../hooks.js';
import { html } from '../html.js';
import { listAddress } from '../list-address.js';
import { mayUse, type Session } from '../session.js';
import { useEffect, useLayoutEffect, useRef, useState } from '../vendor/preact-hooks.js';

type Action = Verb | 'restart';

/** A campaign deleted here, which the list names. */
export interface Deleted {
  name: string;
  id: string;
}

interface ActionEntry {
  action: Action;
  label: string;
  scope: string;
  /** The statuses it is offered in, when the same request means something else in the others. */
  only?: readonly string[];
  confirm?: string;
  /** What the page says once it is done; a deleted campaign has no page, and the list says it instead. */
  done?: string;
}

const ACTIONS: readonly ActionEntry[] = [
  { action: 'start', label: 'Start', scope: 'campaigns:execute', done: 'Started.' },
  { action: 'pause', label: 'Pause', scope: 'campaigns:execute', done: 'Paused.' },
  { action: 'resume', label: 'Resume', scope: 'campaigns:execute', done: 'Resumed.' },
  {
    action: 'terminate',
    label: 'Terminate',
    scope: 'campaigns:terminate',
    confirm: 'Terminate it? A terminated campaign stops for good unless it is restarted.',
    done: 'Terminated.',
  },
  {
    action: 'restart',
    label: 'Restart',
    scope: 'campaigns:write',
    // modify?restart=true on any other status is a plain modify, or refused on a running campaign.
    only: ['terminated', 'completed'],
    done: 'Restarted: pending again. A start date that had passed is dropped: start it, or modify it to set one.',
  },
  {
    action: 'delete',
    label: 'Delete',
    scope: 'campaigns:write',
    confirm: 'Delete it? It is removed for good; its event history stays.',
  },
];

/**
 * Every action the token's scopes allow is offered (Restart only where it restarts); the service decides whether
 * the campaign's state allows it and a refusal is shown as the service words it. Each action is sent with `If-Match`
 * of the version shown, so it acts on the campaign as the operator saw it; a campaign changed since is read again.
 * Each click is a new request under a new Idempotency-Key, but for a request whose answer never came: trying it
 * again sends it as it was, key and version, so it is done once. The focus stays on the button pressed (or goes back
 * to it from a confirmation), or moves to the outcome when the button is gone; the outcome is said in live regions
 * that are always there.
 */
export function CampaignActions({
  api,
  campaign,
  session,
  onChanged,
  onDeleted,
}: {
  api: Api;
  campaign: Campaign;
  session: Session;
  onChanged: () => void;
  /** The campaign is gone, and so is its page: the list says so. */
  onDeleted: (deleted: Deleted) => void;
}) {
  const [busy, setBusy] = useState<Action | undefined>();
  const running = useRef(false);
  const buttons = useRef(new Map<Action, HTMLButtonElement>());
  const outcomeShown = useRef<HTMLDivElement>(null);
  const [asking, setAsking] = useState<ActionEntry | undefined>();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>();
  const unanswered = useRef(new Map<Action, { key: string; version: number | undefined }>());

  const run = async (entry: ActionEntry) => {
    // A button stays focusable while its request runs (a disabled one would drop the focus), so clicks are ignored here.
    if (running.current) return;
    running.current = true;
    setAsking(undefined);
    setBusy(entry.action);
    setOutcome(undefined);
    const request = unanswered.current.get(entry.action) ?? { key: newIdempotencyKey(), version: campaign.version };
    try {
      if (entry.action === 'restart') await api.restart(campaign.id, request.key, request.version);
      else await api.act(campaign.id, entry.action, request.key, request.version);
      // Done: whatever was left unanswered was decided on a campaign that has changed since.
      unanswered.current.clear();
      if (entry.action === 'delete') {
        onDeleted({ name: campaign.name, id: campaign.id });
        go(listAddress());
      } else {
        setOutcome({ ok: true, text: entry.done ?? `${entry.label}: done.` });
        onChanged();
      }
    } catch (error) {
      // A refusal is final under its key: trying again, even on a campaign that looks the same, is a new request.
      if (answered(error)) unanswered.current.delete(entry.action);
      else unanswered.current.set(entry.action, request);
      setOutcome({ ok: false, text: failureText(entry.label, error) });
      if (error instanceof ApiError && error.code === 'CAMPAIGN_CHANGED') onChanged();
    } finally {
      running.current = false;
      setBusy(undefined);
    }
  };
  const closeConfirm = (entry: ActionEntry) => {
    setAsking(undefined);
    buttons.current.get(entry.action)?.focus();
  };
  // The button pressed is gone once the campaign is read again in its new status (Restart): the outcome takes the focus.
  useEffect(() => {
    const focusLost = document.activeElement === null || document.activeElement === document.body;
    if (outcome !== undefined && focusLost) outcomeShown.current?.focus();
  }, [outcome, campaign.status]);
  const offered = ACTIONS.filter(
    (entry) => mayUse(session, entry.scope) && (entry.only?.includes(campaign.status) ?? true),
  );

  return html`
    <section class="actions" aria-label="Actions">
      <div class="buttons">
        ${offered.map(
          (entry) => html`
            <button type="button" key=${entry.action} class=${entry.confirm ? 'danger' : ''}
              aria-disabled=${busy !== undefined ? 'true' : undefined}
              ref=${(button: HTMLButtonElement | null) => (button ? buttons.current.set(entry.action, button) : buttons.current.delete(entry.action))}
              onClick=${() => (entry.confirm ? !running.current && setAsking(entry) : run(entry))}>${busy === entry.action ? `${entry.label}…` : entry.label}</button>
          `,
        )}
        ${mayUse(session, 'campaigns:write') ? html`<a class="button" href=${`#/campaigns/${campaign.id}/edit`}>Modify</a>` : null}
      </div>
      ${
        asking
          ? html`<${Confirm} entry=${asking} name=${campaign.name}
              onYes=${() => {
                closeConfirm(asking);
                void run(asking);
              }}
              onNo=${() => closeConfirm(asking)} />`
          : null
      }
      <div class="outcome" tabindex="-1" ref=${outcomeShown}>
        <p class="success" role="status">${outcome?.ok ? outcome.text : ''}</p>
        <p class="error" role="alert">${outcome !== undefined && !outcome.ok ? outcome.text : ''}</p>
      </div>
    </section>
  `;
}

function Confirm({
  entry,
  name,
  onYes,
  onNo,
}: {
  entry: ActionEntry;
  name: string;
  onYes: () => void;
  onNo: () => void;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  // Before the dialog is painted: a key pressed as soon as it shows (Escape) already reaches it.
  useLayoutEffect(() => cancel.current?.focus(), []);
  return html`
    <div class="confirm" role="alertdialog" aria-labelledby="confirm-text" onKeyDown=${(e: KeyboardEvent) => e.key === 'Escape' && onNo()}>
      <p id="confirm-text"><strong><bdi>${name}</bdi></strong>: ${entry.confirm}</p>
      <button type="button" class="danger" onClick=${onYes}>${`Yes, ${entry.label.toLowerCase()}`}</button>
      <button type="button" ref=${cancel} onClick=${onNo}>Cancel</button>
    </div>
  `;
}

function failureText(label: string, error: unknown): string {
  if (error instanceof NoAnswer) return unansweredChange(label, error);
  if (!(error instanceof ApiError)) return `${label} failed: ${describeError(error)}`;
  if (error.code === 'CAMPAIGN_CHANGED') {
    return `${label} not done: the campaign changed after this page read it (412 CAMPAIGN_CHANGED). It is shown again as it is now: look, then decide again.`;
  }
  const status = error.facts.status ? ` The campaign is ${error.facts.status}.` : '';
  return `${label} refused (${error.status} ${error.code}): ${error.message.replace(/\.$/, '')}.${status}`;
}
