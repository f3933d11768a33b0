// The HTTP side of compose-smoke.sh: what an operator's first clients do against the running
// stack, through its published ports. Plain Node (fetch), no dependencies.
//
//   node client.mjs register              → {"client_id":…,"client_secret":…} on stdout
//   node client.mjs calls <n> <parallel>  → n tools/call through mcp-lb; {"ok":…,"failed":…}
//   node client.mjs load <stop-file>      → tools/call until <stop-file> exists; {"ok":…,"failed":…}
//   node client.mjs audit <min>           → waits for <min> mcp.tool.called rows of the client
//
// Settings from the environment: AUTH_URL, MCP_URL, AUDIT_URL (public URLs), INITIAL_ACCESS_TOKEN,
// and CLIENT_ID/CLIENT_SECRET (from `register`) for the others. Secrets never reach stdout
// except the client's own credentials from `register`, which the script keeps in a 0600 file.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

async function register() {
  const res = await fetch(`${env('AUTH_URL')}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env('INITIAL_ACCESS_TOKEN')}` },
    body: JSON.stringify({
      client_name: 'compose smoke test',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'sentiment:analyze sentiment:read audit:read',
    }),
  });
  if (res.status !== 201) throw new Error(`POST /register: ${res.status} ${await res.text()}`);
  const { client_id, client_secret } = await res.json();
  return { client_id, client_secret };
}

/** RFC 6749 §4.4 client credentials, for one resource (RFC 8707). */
async function token(resource, scope) {
  const basic = Buffer.from(`${encodeURIComponent(env('CLIENT_ID'))}:${encodeURIComponent(env('CLIENT_SECRET'))}`).toString('base64');
  const res = await fetch(`${env('AUTH_URL')}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
  });
  if (res.status !== 200) throw new Error(`POST /token: ${res.status} ${await res.text()}`);
  return (await res.json()).access_token;
}

/** One tools/call over Streamable HTTP, as an MCP client sends it; resolves to an outcome name. */
async function callTool(accessToken, n) {
  try {
    const res = await fetch(env('MCP_URL'), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
        authorization: `Bearer ${accessToken}`,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: n, method: 'tools/call', params: { name: 'analyze_sentiment', arguments: { text: `Acme beats estimates ${n}` } } }),
    });
    const body = await res.text();
    if (res.status !== 200) return `http ${res.status}`;
    return body.includes('"result"') && !body.includes('"isError":true') ? 'ok' : 'tool error';
  } catch (error) {
    return `network ${error.cause?.code ?? error.message}`;
  }
}

function tally(outcomes) {
  const failures = {};
  for (const o of outcomes) if (o !== 'ok') failures[o] = (failures[o] ?? 0) + 1;
  const failed = outcomes.length - outcomes.filter((o) => o === 'ok').length;
  return { ok: outcomes.length - failed, failed, failures };
}

async function calls(total, parallel) {
  const accessToken = await token(env('MCP_URL'), 'sentiment:analyze');
  const outcomes = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < total) outcomes.push(await callTool(accessToken, next++));
    }),
  );
  return tally(outcomes);
}

async function load(stopFile) {
  const accessToken = await token(env('MCP_URL'), 'sentiment:analyze');
  const outcomes = [];
  let n = 0;
  // Four clients in parallel, a steady stream rather than a benchmark.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (!existsSync(stopFile)) {
        outcomes.push(await callTool(accessToken, n++));
        await sleep(20);
      }
    }),
  );
  return tally(outcomes);
}

async function audit(min) {
  const accessToken = await token(env('AUDIT_URL'), 'audit:read');
  const q = new URLSearchParams({ client_id: env('CLIENT_ID'), from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
  const deadline = Date.now() + 60_000;
  let count = 0;
  for (;;) {
    const res = await fetch(`${env('AUDIT_URL')}/events/export?${q}`, { headers: { authorization: `Bearer ${accessToken}` } });
    if (res.status !== 200) throw new Error(`GET /audit/events/export: ${res.status} ${await res.text()}`);
    const events = (await res.text()).split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const ids = new Set(events.filter((e) => e.type === 'mcp.tool.called').map((e) => e.id));
    count = ids.size;
    if (count >= min || Date.now() > deadline) return { toolCalls: count, events: events.length };
    await sleep(1000);
  }
}

const [command, ...args] = process.argv.slice(2);
const run = { register, calls: () => calls(Number(args[0]), Number(args[1] ?? 4)), load: () => load(args[0]), audit: () => audit(Number(args[0])) }[command];
if (!run) {
  console.error('usage: client.mjs register | calls <n> [parallel] | load <stop-file> | audit <min>');
  process.exit(2);
}
run().then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(`client.mjs ${command}: ${error.message}`);
    process.exit(1);
  },
);
