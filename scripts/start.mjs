// `npm start`: builds the three services if needed and runs them together on embedded
// defaults (SQLite files under ./data, the broker-free event path), with a demo user.
// Everything can be overridden by the environment, as for each service alone.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apps = ['auth-server', 'audit-service', 'mcp-server'];

if (process.env.SKIP_BUILD !== 'true') {
  console.log('building (cached after the first time)…');
  const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects', apps.join(','), '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
for (const app of apps) {
  if (!existsSync(join(root, 'dist/apps', app, 'main.js'))) {
    console.error(`dist/apps/${app}/main.js is missing: run npm run build`);
    process.exit(1);
  }
}
mkdirSync(join(root, 'data'), { recursive: true });

const env = process.env;
const issuer = env.ISSUER_URL ?? 'http://localhost:9000';
const mcpResource = env.MCP_RESOURCE_URL ?? 'http://localhost:3000/mcp';
const auditBase = env.AUDIT_URL ?? 'http://localhost:3100';
const demoUser = env.DEMO_USER ?? 'demo';
const demoPassword = env.DEMO_PASSWORD ?? 'portcullis-demo';

// Without a broker the producers deliver events to the audit service's /internal/events,
// which takes them only from a producer presenting its own credential, bound to its CloudEvents
// source (docs/events.md). Unless the caller configured AUDIT_INGEST_PRODUCERS, a fresh
// credential per producer is made for this run and handed to that producer alone.
const producerSources = { 'auth-server': '/portcullis/auth-server', 'mcp-server': '/portcullis/mcp-server' };
const ingestSecrets = {};
if (!env.BROKER_URL && env.AUDIT_INGEST_PRODUCERS === undefined) {
  for (const app of Object.keys(producerSources)) ingestSecrets[app] = randomBytes(32).toString('base64url');
}
const ingestProducers = Object.entries(ingestSecrets).map(([app, secret]) => `${producerSources[app]}=${secret}`).join(',');

const services = {
  'auth-server': {
    PORT: '9000',
    ISSUER_URL: issuer,
    MCP_RESOURCE_URL: mcpResource,
    SQLITE_PATH: 'data/auth-server.sqlite',
    BOOTSTRAP_USERS: env.BOOTSTRAP_USERS ?? `${demoUser}:${demoPassword}`,
    AUDIT_INGEST_URL: env.BROKER_URL ? undefined : `${auditBase}/internal/events`,
  },
  'audit-service': {
    PORT: '3100',
    ISSUER_URL: issuer,
    SQLITE_PATH: 'data/audit-service.sqlite',
    AUDIT_INGEST_PRODUCERS: ingestProducers || undefined,
  },
  'mcp-server': {
    PORT: '3000',
    ISSUER_URL: issuer,
    RESOURCE_URL: mcpResource,
    SQLITE_PATH: 'data/mcp-server.sqlite',
    AUDIT_INGEST_URL: env.BROKER_URL ? undefined : `${auditBase}/internal/events`,
  },
};

const children = [];
let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 5000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(() => process.exit(code));
}

for (const [app, defaults] of Object.entries(services)) {
  const childEnv = { ...env };
  // The service's own defaults apply unless the caller set the variable.
  for (const [k, v] of Object.entries(defaults)) if (v !== undefined && env[k] === undefined) childEnv[k] = v;
  if (app !== 'auth-server') delete childEnv.BOOTSTRAP_USERS;
  // Each producer gets its own credential, whatever a shared AUDIT_INGEST_SECRET in the environment says.
  if (ingestSecrets[app]) childEnv.AUDIT_INGEST_SECRET = ingestSecrets[app];
  if (app === 'audit-service') delete childEnv.AUDIT_INGEST_SECRET;
  const child = spawn(process.execPath, [join(root, 'dist/apps', app, 'main.js')], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${app}]`.padEnd(16);
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        process.stdout.write(`${prefix}${buf.slice(0, i)}\n`);
        buf = buf.slice(i + 1);
      }
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${app} exited (${signal ?? code}); stopping the others`);
      stopAll(1);
    }
  });
  children.push(child);
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

async function waitLive(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return true;
    } catch {
      /* starting */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return false;
}

const ready = await Promise.all([
  waitLive(`${issuer}/health/live`),
  waitLive(`${auditBase}/health/live`),
  waitLive(`${new URL(mcpResource).origin}/health/live`),
]);
if (ready.every(Boolean)) {
  console.log(`
  Portcullis is running.

    MCP server (resource)     ${mcpResource}
    Authorization server      ${issuer}   (metadata: ${issuer}/.well-known/oauth-authorization-server)
    Audit service             ${auditBase}/audit/events   (needs a token with audit:read)

    Demo login                ${demoUser} / ${demoPassword}

  Connect an MCP client to ${mcpResource}: it gets a 401, discovers the authorization server,
  registers itself and sends you to the login page. For example, with the MCP Inspector:
    npx @modelcontextprotocol/inspector   → Transport "Streamable HTTP", URL ${mcpResource}
  A machine client: node dist/apps/auth-server/cli.js clients:add --help

  Ctrl-C stops everything.
`);
}
