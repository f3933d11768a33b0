/**
 * What the tests do with plain HTTP outside the SDK and the OAuth test client
 * (@portcullis/testing): read the audit API, and call one replica directly.
 */
export interface CloudEvent {
  id: string;
  type: string;
  source: string;
  time: string;
  subject?: string;
  data: Record<string, unknown>;
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
