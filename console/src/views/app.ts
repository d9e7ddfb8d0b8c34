import { Api } from '../api.js';
import { useRoute } from '../hooks.js';
import { html } from '../html.js';
import {
  currentSession,
  type LinkedToken,
  mayUse,
  type Session,
  sessionOf,
  signIn,
  signOut,
  UNUSABLE_LINK,
} from '../session.js';
import { useEffect, useMemo, useState } from '../vendor/preact-hooks.js';
import type { Deleted } from './campaign-actions.js';
import { CampaignForm } from './campaign-form.js';
import { CampaignList } from './campaign-list.js';
import { CampaignPage } from './campaign-page.js';
import { HealthStrip } from './health-strip.js';
import { SignIn } from './sign-in.js';

interface AppProps {
  /** What the address the console was opened at carried in its fragment. */
  firstLink: LinkedToken;
  /** Subscribes to the links opened in this tab later; answers the unsubscription. */
  onLink: (listener: (link: LinkedToken) => void) => () => void;
}

/**
 * A link's token signs in at once when no one is signed in. Over a session it is only offered, and taken when the
 * operator says so: another page able to reach this window could set its fragment, and swap the operator's session
 * for one of its choosing without a word.
 */
function linkedSession(link: LinkedToken, session: Session | undefined) {
  if (link.kind === 'unusable') return { notice: UNUSABLE_LINK };
  if (link.kind === 'none' || link.token === session?.token) return {};
  return session === undefined ? { session: signIn(link.token) } : { offered: sessionOf(link.token) };
}

export function App({ firstLink, onLink }: AppProps) {
  const [first] = useState(() => linkedSession(firstLink, currentSession()));
  const [session, setSession] = useState<Session | undefined>(() => first.session ?? currentSession());
  const [notice, setNotice] = useState<string | undefined>(first.notice);
  const [offered, setOffered] = useState<Session | undefined>(first.offered);
  const [deleted, setDeleted] = useState<Deleted | undefined>();
  const route = useRoute();
  useEffect(() => {
    if (route.page !== 'list') setDeleted(undefined);
  }, [route.page]);
  useEffect(
    () =>
      onLink((link) => {
        const taken = linkedSession(link, currentSession());
        setNotice(taken.notice);
        setOffered(taken.offered);
        if (taken.session) setSession(taken.session);
      }),
    [onLink],
  );
  const api = useMemo(
    () =>
      session &&
      new Api(session.token, () => {
        signOut();
        setNotice('The service refused the token (expired, revoked or wrong). Sign in again.');
        setSession(undefined);
      }),
    [session],
  );

  if (session === undefined || api === undefined) {
    return html`<${SignIn} notice=${notice} onSignedIn=${(s: Session) => {
      setNotice(undefined);
      setSession(s);
    }} />`;
  }
  const takeOffered = (take: boolean) => {
    if (take && offered) setSession(signIn(offered.token));
    setOffered(undefined);
  };
  const writes = mayUse(session, 'campaigns:write');
  const leave = () => {
    signOut();
    setNotice('Signed out.');
    setSession(undefined);
  };
  return html`
    <header class="top">
      <a class="brand" href="#/">Campaigns</a>
      <nav aria-label="Main">
        <a href="#/">All campaigns</a>
        ${writes ? html`<a href="#/new">New campaign</a>` : null}
      </nav>
      <span class="who">Signed in as <strong><bdi>${session.subject ?? 'token holder'}</bdi></strong></span>
      <button type="button" class="quiet" onClick=${leave}>Sign out</button>
    </header>
    <${HealthStrip} api=${api} />
    ${offered ? html`<${OfferedSession} offered=${offered} current=${session} onAnswer=${takeOffered} />` : null}
    ${notice && !offered ? html`<p class="notice" role="alert">${notice}</p>` : null}
    <main id="main">
      ${route.page === 'list' ? html`<${CampaignList} api=${api} deleted=${deleted} />` : null}
      ${route.page === 'campaign' ? html`<${CampaignPage} key=${route.id} api=${api} id=${route.id} session=${session} onDeleted=${setDeleted} />` : null}
      ${(route.page === 'new' || route.page === 'edit') && !writes ? html`<p class="notice" role="status">This token may not create or modify campaigns: it lacks the campaigns:write scope.</p>` : null}
      ${route.page === 'new' && writes ? html`<${CampaignForm} api=${api} />` : null}
      ${route.page === 'edit' && writes ? html`<${CampaignForm} key=${route.id} api=${api} id=${route.id} />` : null}
    </main>
  `;
}

/** A link's token offered over the session in use: taken only when the operator says so. */
function OfferedSession({
  offered,
  current,
  onAnswer,
}: {
  offered: Session;
  current: Session;
  onAnswer: (take: boolean) => void;
}) {
  const name = (session: Session) => session.subject ?? 'another token holder';
  return html`
    <section class="notice offer" role="alertdialog" aria-labelledby="offer-title">
      <p id="offer-title">
        A link brought a token that signs in as <strong><bdi>${name(offered)}</bdi></strong>, in place of
        <strong><bdi>${name(current)}</bdi></strong>. Sign in with it?
      </p>
      <button type="button" onClick=${() => onAnswer(true)}>Sign in as ${name(offered)}</button>
      <button type="button" onClick=${() => onAnswer(false)}>Stay signed in as ${name(current)}</button>
    </section>
  `;
}
