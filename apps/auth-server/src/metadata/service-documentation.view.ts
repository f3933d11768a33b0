import { escapeHtml } from '@portcullis/http';
import { SCOPE_CATALOGUE } from '@portcullis/scopes';
import { layout } from '../authorize/interaction/views/layout.view';

/**
 * The page `service_documentation` (RFC 8414 §2) points at, served at the issuer URL: what
 * this server is, where a client discovers everything else, and the scopes it knows.
 * Nothing in it comes from a request.
 */
export function renderServiceDocumentation(issuer: string): string {
  const scopes = SCOPE_CATALOGUE.map(
    (s) => `<li><span class="label"><code class="id">${escapeHtml(s.name)}</code></span>${escapeHtml(s.description)}</li>`,
  ).join('');
  return layout(
    'Authorization server',
    `<h1>Portcullis authorization server</h1>
<p>An OAuth 2.1 authorization server for MCP servers. Clients discover every endpoint from its metadata; nothing here needs to be configured by hand.</p>
<ul class="facts">
<li><span class="label">Issuer</span><code class="id">${escapeHtml(issuer)}</code></li>
<li><span class="label">Metadata (RFC 8414)</span><a href="/.well-known/oauth-authorization-server">/.well-known/oauth-authorization-server</a></li>
<li><span class="label">Signing keys</span><a href="/jwks">/jwks</a></li>
<li><span class="label">Your account: the applications you connected, and revoking them</span><a href="/account">/account</a></li>
</ul>
<h2>Scopes</h2>
<ul class="facts">${scopes}</ul>`,
  );
}
