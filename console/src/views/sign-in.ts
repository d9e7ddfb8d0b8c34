import { useTitle } from '../hooks.js';
import { html } from '../html.js';
import { bearerTokenIn, type Session, signIn } from '../session.js';
import { useEffect, useRef, useState } from '../vendor/preact-hooks.js';

const UNUSABLE_PASTE = 'This is not a bearer token: one holds only letters, digits and - . _ ~ + / (and = at its end).';

export function SignIn({ notice, onSignedIn }: { notice: string | undefined; onSignedIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [unusable, setUnusable] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  useTitle('Sign in');
  useEffect(() => field.current?.focus(), []);
  const submit = (event: Event) => {
    event.preventDefault();
    if (token.trim() === '') return;
    const bearer = bearerTokenIn(token);
    setUnusable(bearer === undefined);
    if (bearer !== undefined) onSignedIn(signIn(bearer));
  };
  return html`
    <main class="sign-in">
      <h1>Campaign console</h1>
      ${notice ? html`<p class="notice" role="alert">${notice}</p>` : null}
      <form onSubmit=${submit}>
        <label for="token">Bearer token</label>
        <textarea id="token" ref=${field} name="token" rows="5" required autocomplete="off" spellcheck=${false}
          aria-invalid=${unusable ? 'true' : undefined} aria-describedby=${unusable ? 'token-error token-help' : 'token-help'}
          value=${token} onInput=${(e: Event) => setToken((e.target as HTMLTextAreaElement).value)} />
        ${unusable ? html`<p class="field-error" id="token-error" role="alert">${UNUSABLE_PASTE}</p>` : null}
        <p id="token-help" class="help">
          Paste a token with the campaigns scopes (<code>npm run token</code> mints one). It stays in this tab only and is
          sent to the service in the Authorization header.
        </p>
        <button type="submit">Sign in</button>
      </form>
    </main>
  `;
}
