/**
 * What the tests do with plain HTTP, outside the SDK: read the authorization server's metadata
 * (RFC 8414), register trusted clients with the initial access token (RFC 7591 §3), get
 * client-credentials tokens, revoke (RFC 7009), and read the audit API.
 */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  registration_endpoint: string;
  revocation_endpoint: string;
  authorization_response_iss_parameter_supported?: boolean;
}

export interface RegisteredClient {
  client_id: string;
  client_secret: string;
}

export interface CloudEvent {
  id: string;
  type: string;
  source: string;
  time: string;
  subject?: string;
  data: Record<string, unknown>;
}

/** Finds the authorization server the way a client does: from the resource's metadata (RFC 9728). */
export async function discover(mcpUrl: string): Promise<AuthorizationServerMetadata> {
  const url = new URL(mcpUrl);
  const prm = (await (await fetch(`${url.origin}/.well-known/oauth-protected-resource${url.pathname}`)).json()) as { authorization_servers: string[] };
  const issuer = prm.authorization_servers[0];
  return (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as AuthorizationServerMetadata;
}

export async function registerTrusted(as: AuthorizationServerMetadata, initialAccessToken: string, name: string, scope: string): Promise<RegisteredClient> {
  const res = await fetch(as.registration_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${initialAccessToken}` },
    body: JSON.stringify({ client_name: name, grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic', scope }),
  });
  if (res.status !== 201) throw new Error(`registration: expected 201, got ${res.status} ${await res.text()}`);
  return (await res.json()) as RegisteredClient;
}

function basic(client: RegisteredClient): string {
  // RFC 6749 §2.3.1: form-urlencode each part before base64.
  const enc = (s: string) => encodeURIComponent(s);
  return `Basic ${Buffer.from(`${enc(client.client_id)}:${enc(client.client_secret)}`).toString('base64')}`;
}

export async function clientCredentialsToken(as: AuthorizationServerMetadata, client: RegisteredClient, resource: string, scope: string): Promise<string> {
  const res = await fetch(as.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }).toString(),
  });
  if (res.status !== 200) throw new Error(`token: expected 200, got ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Every event of one client in [from, to), oldest first, from the audit API's export. */
export async function auditStory(auditUrl: string, token: string, clientId: string, from: Date, to: Date): Promise<CloudEvent[]> {
  const q = new URLSearchParams({ client_id: clientId, from: from.toISOString(), to: to.toISOString() });
  const res = await fetch(`${auditUrl}/audit/events/export?${q}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`audit export: expected 200, got ${res.status} ${await res.text()}`);
  return (await res.text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CloudEvent);
}

/** A tools/call sent straight to one server (no SDK, no session): what a replica answers. */
export function callToolDirectly(baseUrl: string, token: string, name: string, args: Record<string, unknown>): Promise<Response> {
  return fetch(`${baseUrl}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } }),
  });
}
