import { escapeHtml } from '@portcullis/http';
import { layout } from './layout.view';

export interface LoginView {
  action: string;
  csrfToken: string;
  clientName: string;
  username?: string;
  error?: string;
}

export function renderLogin(v: LoginView): string {
  const error = v.error ? `<div class="error" role="alert" id="login-error">${escapeHtml(v.error)}</div>` : '';
  return layout(
    'Sign in',
    `<h1>Sign in</h1>
<p>to continue to <strong class="client">${escapeHtml(v.clientName)}</strong></p>
${error}
<form method="post" action="${escapeHtml(v.action)}" novalidate>
<input type="hidden" name="csrf_token" value="${escapeHtml(v.csrfToken)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(v.username ?? '')}"${v.error ? ' aria-describedby="login-error"' : ''} autofocus>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit" class="primary">Sign in</button>
</form>`,
  );
}
