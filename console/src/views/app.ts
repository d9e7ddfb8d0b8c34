import { Api } from '../api.js';
import { useRoute } from '../hooks.js';
import { html } from '../html.js';
import { currentSession, mayUse, type Session, signOut, takeTokenFromFragment, UNUSABLE_LINK } from '../session.js';
import { useEffect, useMemo, useState } from '../vendor/preact-hooks.js';
import type { Deleted } from './campaign-actions.js';
import { CampaignForm } from './campaign-form.js';
import { CampaignList } from './campaign-list.js';
import { CampaignPage } from './campaign-page.js';
import { HealthStrip } from './health-strip.js';
import { SignIn } from './sign-in.js';

export function App({ linkUnusable }: { linkUnusable: boolean }) {
  const [session, setSession] = useState<Session | undefined>(currentSession);
  const [notice, setNotice] = useState<string | undefined>(linkUnusable ? UNUSABLE_LINK : undefined);
  const [deleted, setDeleted] = useState<Deleted | undefined>();
  const route = useRoute();
  useEffect(() => {
    if (route.page !== 'list') setDeleted(undefined);
  }, [route.page]);
  // A link opened in this tab while the console is open changes only the fragment: the page is not loaded again.
  useEffect(() => {
    const takeLinkedToken = () => {
      const link = takeTokenFromFragment();
      if (link === 'none') return;
      setNotice(link === 'unusable' ? UNUSABLE_LINK : undefined);
      setSession(currentSession());
    };
    addEventListener('hashchange', takeLinkedToken);
    return () => removeEventListener('hashchange', takeLinkedToken);
  }, []);
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
    <main id="main">
      ${route.page === 'list' ? html`<${CampaignList} api=${api} deleted=${deleted} />` : null}
      ${route.page === 'campaign' ? html`<${CampaignPage} key=${route.id} api=${api} id=${route.id} session=${session} onDeleted=${setDeleted} />` : null}
      ${(route.page === 'new' || route.page === 'edit') && !writes ? html`<p class="notice" role="status">This token may not create or modify campaigns: it lacks the campaigns:write scope.</p>` : null}
      ${route.page === 'new' && writes ? html`<${CampaignForm} api=${api} />` : null}
      ${route.page === 'edit' && writes ? html`<${CampaignForm} key=${route.id} api=${api} id=${route.id} />` : null}
    </main>
  `;
}
