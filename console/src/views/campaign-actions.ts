import { type Api, ApiError, answered, type Campaign, newIdempotencyKey, type Verb } from '../api.js';
import { describeError } from '../format.js';
import { go } from '../hooks.js';
import { html } from '../html.js';
import { listAddress } from '../list-address.js';
import { mayUse, type Session } from '../session.js';
import { useLayoutEffect, useRef, useState } from '../vendor/preact-hooks.js';

type Action = Verb | 'restart';

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
 * the campaign's state allows it and a refusal is shown as the service words it. One Idempotency-Key per action and
 * state of the campaign, so a double click, or a retry after a lost answer, does the thing once; after a refusal
 * the next try has a new one.
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
  onDeleted: (notice: string) => void;
}) {
  const [busy, setBusy] = useState<Action | undefined>();
  const [asking, setAsking] = useState<ActionEntry | undefined>();
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | undefined>();
  const keys = useRef(new Map<string, string>());
  const keyFor = (intent: string) => {
    if (!keys.current.has(intent)) keys.current.set(intent, newIdempotencyKey());
    return keys.current.get(intent)!;
  };

  const run = async (entry: ActionEntry) => {
    setAsking(undefined);
    setBusy(entry.action);
    setOutcome(undefined);
    const intent = `${entry.action} ${campaign.id} ${campaign.updatedAt}`;
    try {
      if (entry.action === 'restart') await api.restart(campaign.id, keyFor(intent));
      else await api.act(campaign.id, entry.action, keyFor(intent));
      if (entry.action === 'delete') {
        onDeleted(`Deleted ${campaign.name} (${campaign.id}).`);
        go(listAddress());
      } else {
        setOutcome({ ok: true, text: entry.done ?? `${entry.label}: done.` });
        onChanged();
      }
    } catch (error) {
      // A refusal is final under its key: trying again, even on a campaign that looks the same, is a new request.
      if (answered(error)) keys.current.delete(intent);
      setOutcome({ ok: false, text: refusalText(entry.label, error) });
    } finally {
      setBusy(undefined);
    }
  };
  const offered = ACTIONS.filter(
    (entry) => mayUse(session, entry.scope) && (entry.only?.includes(campaign.status) ?? true),
  );

  return html`
    <section class="actions" aria-label="Actions">
      <div class="buttons">
        ${offered.map(
          (entry) => html`
            <button type="button" class=${entry.confirm ? 'danger' : ''} disabled=${busy !== undefined}
              onClick=${() => (entry.confirm ? setAsking(entry) : run(entry))}>${busy === entry.action ? `${entry.label}…` : entry.label}</button>
          `,
        )}
        ${mayUse(session, 'campaigns:write') ? html`<a class="button" href=${`#/campaigns/${campaign.id}/edit`}>Modify</a>` : null}
      </div>
      ${asking ? html`<${Confirm} entry=${asking} name=${campaign.name} onYes=${() => run(asking)} onNo=${() => setAsking(undefined)} />` : null}
      ${
        outcome
          ? html`<p class=${outcome.ok ? 'success' : 'error'} role=${outcome.ok ? 'status' : 'alert'} data-outcome>${outcome.text}</p>`
          : null
      }
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
      <p id="confirm-text"><strong>${name}</strong>: ${entry.confirm}</p>
      <button type="button" class="danger" onClick=${onYes}>${`Yes, ${entry.label.toLowerCase()}`}</button>
      <button type="button" ref=${cancel} onClick=${onNo}>Cancel</button>
    </div>
  `;
}

function refusalText(label: string, error: unknown): string {
  if (!(error instanceof ApiError)) return `${label} failed: ${describeError(error)}`;
  const status = error.facts.status ? ` The campaign is ${error.facts.status}.` : '';
  return `${label} refused (${error.status} ${error.code}): ${error.message.replace(/\.$/, '')}.${status}`;
}
