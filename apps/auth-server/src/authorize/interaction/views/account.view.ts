import { escapeHtml } from '@portcullis/http';
import { layout } from './layout.view';

/** One connected application as the account page shows it (GrantsService's GrantSummary, in display terms). */
export interface AccountGrantView {
  grantId: string;
  clientId: string;
  clientName?: string;
  scopes: { name: string; description?: string }[];
  resource: string;
  approvedAt: number;
  lastUsedAt: number | null;
}

export interface AccountView {
  username: string;
  grants: AccountGrantView[];
  /** The per-session form token (account.controller.ts) every form here carries. */
  csrfToken: string;
  /** The account page's own URL: the forms post below it. */
  accountUrl: string;
  /** Said once, after a revocation (the 303 back here). */
  notice?: string;
}

/** An instant as people read it, in UTC (the page has no script to localise it), inside <time>. */
function when(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `<time datetime="${escapeHtml(iso)}">${escapeHtml(`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`)}</time>`;
}

function csrfField(token: string): string {
  return `<input type="hidden" name="csrf_token" value="${escapeHtml(token)}">`;
}

const nameOf = (g: AccountGrantView) => g.clientName ?? g.clientId;

function scopeList(g: AccountGrantView): string {
  if (g.scopes.length === 0) return '<span class="muted">No particular permissions</span>';
  const items = g.scopes.map((s) => `<li>${escapeHtml(s.description ?? s.name)}<br><code class="id">${escapeHtml(s.name)}</code></li>`);
  return `<ul>\n${items.join('\n')}\n</ul>`;
}

function row(v: AccountView, g: AccountGrantView): string {
  return `<tr role="row">
<th scope="row" role="rowheader"><span class="client">${escapeHtml(nameOf(g))}</span><br><code class="id">${escapeHtml(g.clientId)}</code></th>
<td role="cell" data-label="It can">${scopeList(g)}<span class="muted">at</span> <span class="client">${escapeHtml(g.resource)}</span></td>
<td role="cell" data-label="Approved">${when(g.approvedAt)}</td>
<td role="cell" data-label="Last used">${g.lastUsedAt === null ? '<span class="muted">Not yet</span>' : when(g.lastUsedAt)}</td>
<td role="cell"><form method="post" action="${escapeHtml(revokeUrl(v.accountUrl, g.grantId))}">
${csrfField(v.csrfToken)}
<button type="submit" class="danger">Revoke<span class="visually-hidden"> ${escapeHtml(nameOf(g))}</span></button>
</form></td>
</tr>`;
}

export function revokeUrl(accountUrl: string, grantId: string): string {
  return `${accountUrl}/grants/${encodeURIComponent(grantId)}/revoke`;
}

function signOut(v: AccountView): string {
  return `<form method="post" action="${escapeHtml(`${v.accountUrl}/logout`)}">
${csrfField(v.csrfToken)}
<button type="submit" class="secondary">Sign out</button>
</form>`;
}

/**
 * The account page: who is signed in, the applications they connected, a Revoke per row,
 * sign-out. At phone width the table's rows become stacked cards (CSS only); the explicit
 * ARIA table roles keep it a table for screen readers when CSS changes its display.
 */
export function renderAccount(v: AccountView): string {
  const notice = v.notice ? `<div class="notice" role="status">${escapeHtml(v.notice)}</div>` : '';
  const list =
    v.grants.length === 0
      ? '<p id="no-applications">You have not connected any applications. When you allow one access, it appears here.</p>'
      : `<div class="table-wrap" role="region" aria-labelledby="applications" tabindex="0">
<table role="table">
<caption class="visually-hidden">Applications you connected: what each can do, when you approved it and when it last used that access</caption>
<thead role="rowgroup"><tr role="row"><th scope="col" role="columnheader">Application</th><th scope="col" role="columnheader">It can</th><th scope="col" role="columnheader">Approved</th><th scope="col" role="columnheader">Last used</th><th scope="col" role="columnheader"><span class="visually-hidden">Revoke</span></th></tr></thead>
<tbody role="rowgroup">
${v.grants.map((g) => row(v, g)).join('\n')}
</tbody>
</table>
</div>`;
  return layout(
    'Your account',
    `<div class="bar">
<h1>Your account</h1>
${signOut(v)}
</div>
<p>Signed in as <strong>${escapeHtml(v.username)}</strong></p>
${notice}
<h2 id="applications">Connected applications</h2>
<p>Each application here can act for you within what you allowed. Revoking one ends its access at once; to use it again you will have to allow it again.</p>
${list}`,
    { wide: true },
  );
}

/** The confirmation a Revoke button leads to: what will stop, then the form that does it. */
export function renderRevokeConfirmation(v: { accountUrl: string; csrfToken: string; grant: AccountGrantView }): string {
  const g = v.grant;
  return layout(
    'Revoke access',
    `<h1>Revoke <span class="client name">${escapeHtml(nameOf(g))}</span>?</h1>
<p>It will no longer be able to act for you: its access ends now, and to use it again you will have to allow it again.</p>
<ul class="facts" aria-label="The access you are revoking">
<li><span class="label">Application</span><span class="client">${escapeHtml(nameOf(g))}</span><br><code class="id">${escapeHtml(g.clientId)}</code></li>
<li><span class="label">Access to</span><span class="client">${escapeHtml(g.resource)}</span></li>
<li><span class="label">It can</span>${scopeList(g)}</li>
<li><span class="label">Approved</span>${when(g.approvedAt)}</li>
</ul>
<form method="post" action="${escapeHtml(revokeUrl(v.accountUrl, g.grantId))}">
${csrfField(v.csrfToken)}
<input type="hidden" name="confirm" value="yes">
<div class="actions">
<a class="button" href="${escapeHtml(v.accountUrl)}">Cancel</a>
<button type="submit" class="primary danger" style="margin-top:0">Revoke access</button>
</div>
</form>`,
  );
}

/** A message page of the account area, with one way on (back to the list, or to sign in). */
export function renderAccountMessage(title: string, detail: string, next: { href: string; text: string }, alert = true): string {
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
<div class="${alert ? 'error' : 'notice'}" role="${alert ? 'alert' : 'status'}">${escapeHtml(detail)}</div>
<p><a href="${escapeHtml(next.href)}" id="next">${escapeHtml(next.text)}</a></p>`,
  );
}
