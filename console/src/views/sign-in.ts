import { html } from '../html.js';
import { type Session, signIn } from '../session.js';
import { useState } from '../vendor/preact-hooks.js';

export function SignIn({ notice, onSignedIn }: { notice: string | undefined; onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    const trimmed = token.trim().replace(/^Bearer\s+/i, '');
    if (trimmed !== '') onSignedIn(signIn(trimmed));
  };
  return html`
    <main class="sign-in">
      <h1>Campaign console</h1>
      ${notice ? html`<p class="notice" role="alert">${notice}</p>` : null}
      <form onSubmit=${submit}>
        <label for="token">Bearer token</label>
        <textarea id="token" name="token" rows="5" required autocomplete="off" spellcheck=${false}
          aria-describedby="token-help" value=${token} onInput=${(e: Event) => setToken((e.target as HTMLTextAreaElement).value)} />
        <p id="token-help" class="help">
          Paste a token with the campaigns scopes (<code>npm run token</code> mints one). It stays in this tab only and is
          sent to the service in the Authorization header.
        </p>
        <button type="submit">Sign in</button>
      </form>
    </main>
  `;
}
