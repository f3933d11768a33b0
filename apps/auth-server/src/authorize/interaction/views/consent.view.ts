import { escapeHtml } from '@portcullis/http';
import { Scope, ScopeDescription } from '@portcullis/scopes';
import { layout } from './layout.view';

export interface ConsentView {
  action: string;
  csrfToken: string;
  clientName: string;
  clientId: string;
  redirectHost: string;
  resource: string;
  scopes: string[];
  /** Scopes approved before: the others are marked new (a step-up asks for more). */
  alreadyGranted?: ReadonlySet<string>;
  username: string;
  /**
   * Whether the application will get a refresh token (refresh-token-policy.ts): then the page
   * says it will stay connected, whether or not `offline_access` was asked for.
   */
  refreshToken: boolean;
  /** Shown above the buttons, e.g. for an application that only returns to localhost. */
  warning?: string;
  /** The scope directory's lookup (built-in and declared scopes): the text shown per scope. */
  findScope: (name: string) => ScopeDescription | undefined;
  /** The account page, where what is allowed here can be revoked later. */
  accountUrl?: string;
}

function scopeItem(v: ConsentView, name: string, isNew: boolean | undefined, attributes = ''): string {
  const description = v.findScope(name)?.description ?? name;
  const badge = isNew ? ' <span class="new">new</span>' : '';
  return `<li class="scope"${attributes}>${escapeHtml(description)}${badge}<br><code>${escapeHtml(name)}</code></li>`;
}

export function renderConsent(v: ConsentView): string {
  const isNew = (name: string) => v.alreadyGranted && v.alreadyGranted.size > 0 && !v.alreadyGranted.has(name);
  const items = v.scopes.filter((name) => name !== Scope.OfflineAccess).map((name) => scopeItem(v, name, isNew(name)));
  // Staying connected is said by the one rule that issues refresh tokens, not by the scope list.
  if (v.refreshToken) items.push(scopeItem(v, Scope.OfflineAccess, v.scopes.includes(Scope.OfflineAccess) && isNew(Scope.OfflineAccess), ' id="refresh-token"'));
  const scopes = items.join('\n');
  return layout(
    'Allow access',
    `<h1>Allow <span class="client">${escapeHtml(v.clientName)}</span> access?</h1>
<p>Signed in as <strong>${escapeHtml(v.username)}</strong></p>
<ul class="facts" aria-label="About this request">
<li><span class="label">Application</span><span class="client">${escapeHtml(v.clientName)}</span><br><code class="id">${escapeHtml(v.clientId)}</code></li>
<li><span class="label">You will be returned to</span><span class="client">${escapeHtml(v.redirectHost)}</span></li>
<li><span class="label">Access to</span><span class="client">${escapeHtml(v.resource)}</span></li>
</ul>
<h2 style="font-size:1rem;margin:1rem 0 .25rem">It will be able to</h2>
<ul class="facts">
${scopes}
</ul>
${v.warning ? `<div class="warning" role="note">${escapeHtml(v.warning)}</div>` : ''}
<form method="post" action="${escapeHtml(v.action)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(v.csrfToken)}">
<div class="actions">
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="approve" class="primary" style="margin-top:0">Allow</button>
</div>
</form>
${v.accountUrl ? `<p class="or">You can revoke this access at any time on <a href="${escapeHtml(v.accountUrl)}" id="account-link">your account page</a>.</p>` : ''}`,
  );
}
