import { escapeHtml } from '@portcullis/http';
import { layout } from './layout.view';

export interface LoginView {
  action: string;
  csrfToken: string;
  clientName: string;
  /** The line under the heading; by default "to continue to <clientName>". */
  purpose?: string;
  username?: string;
  error?: string;
  /** "Continue with <name>" links to upstream OpenID Providers (federation/). */
  providers?: { name: string; url: string }[];
  /** false when PASSWORD_LOGIN=false: only the providers are offered. */
  passwordForm?: boolean;
}

function providerLinks(providers: { name: string; url: string }[]): string {
  if (providers.length === 0) return '';
  const links = providers.map((p) => `<a class="provider" href="${escapeHtml(p.url)}">Continue with ${escapeHtml(p.name)}</a>`).join('\n');
  return `<nav class="providers" aria-label="Sign in with your organisation">\n${links}\n</nav>`;
}

export function renderLogin(v: LoginView): string {
  const error = v.error ? `<div class="error" role="alert" id="login-error">${escapeHtml(v.error)}</div>` : '';
  const providers = providerLinks(v.providers ?? []);
  const form =
    v.passwordForm === false
      ? ''
      : `${providers ? '<p class="or">or with a username and password</p>\n' : ''}<form method="post" action="${escapeHtml(v.action)}" novalidate>
<input type="hidden" name="csrf_token" value="${escapeHtml(v.csrfToken)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(v.username ?? '')}"${v.error ? ' aria-describedby="login-error"' : ''} autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" class="primary">Sign in</button>
</form>`;
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p>${v.purpose ? escapeHtml(v.purpose) : `to continue to <strong class="client">${escapeHtml(v.clientName)}</strong>`}</p>
${error}
${providers}
${form}`,
  );
}
