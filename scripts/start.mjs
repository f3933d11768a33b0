// `npm start`: builds the four services if needed and runs them together on embedded
// defaults (SQLite files under ./data, the broker-free event path), with a demo user, and the
// MCP gateway in front of a demo upstream (scripts/demo-upstream.mjs). Everything can be
// overridden by the environment, as for each service alone; each service listens on the port
// of its public URL (ISSUER_URL, MCP_RESOURCE_URL, AUDIT_URL, GATEWAY_URL), DATA_DIR holds the
// files (./data), and GATEWAY_CONFIG_FILE replaces the generated gateway file.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const apps = ['auth-server', 'audit-service', 'mcp-server', 'mcp-gateway'];
// Built with the services, served by the auth-server under /console/ (static files, no process).
const staticApps = ['console'];

if (process.env.SKIP_BUILD !== 'true') {
  console.log('building (cached after the first time)…');
  const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--projects', [...apps, ...staticApps].join(','), '--outputStyle=static'], {
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
if (!existsSync(join(root, 'dist/apps/console/index.html'))) console.warn('dist/apps/console is missing: /console/ will say so until npm run build');
const env = process.env;
const dataDir = resolve(root, env.DATA_DIR ?? 'data');
const issuer = env.ISSUER_URL ?? 'http://localhost:9000';
const mcpResource = env.MCP_RESOURCE_URL ?? 'http://localhost:3000/mcp';
const auditBase = env.AUDIT_URL ?? 'http://localhost:3100';
const gatewayBase = env.GATEWAY_URL ?? 'http://localhost:3300';
const demoUpstreamPort = env.DEMO_UPSTREAM_PORT ?? '3400';
const demoUser = env.DEMO_USER ?? 'demo';
const demoPassword = env.DEMO_PASSWORD ?? 'portcullis-demo';
// One line per unusable URL, before anything is written or started.
const badUrls = Object.entries({ ISSUER_URL: issuer, MCP_RESOURCE_URL: mcpResource, AUDIT_URL: auditBase, GATEWAY_URL: gatewayBase })
  .filter(([, url]) => !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
  .map(([name]) => `config: ${name}: must be an absolute http(s) URL`);
if (!/^\d{1,5}$/.test(demoUpstreamPort) || Number(demoUpstreamPort) > 65535) badUrls.push('config: DEMO_UPSTREAM_PORT: must be a port number');
if (badUrls.length > 0) {
  console.error(badUrls.join('\n'));
  process.exit(1);
}
mkdirSync(dataDir, { recursive: true });
/** The port a service listens on: its public URL's, else its usual one. */
const portOf = (url, usual) => new URL(url).port || usual;

// The one file the gateway and the auth-server both read (libs/gateway-config): the demo
// upstream becomes the protected resource <GATEWAY_URL>/demo/mcp with the scopes below.
const demoUpstreamUrl = `http://127.0.0.1:${demoUpstreamPort}/mcp`;
const gatewayFile = env.GATEWAY_CONFIG_FILE ?? join(dataDir, 'gateway.json');
if (env.GATEWAY_CONFIG_FILE === undefined) {
  const demo = {
    name: 'demo',
    title: 'Demo MCP server (through the Portcullis MCP gateway)',
    url: demoUpstreamUrl,
    scopes: [
      { name: 'demo:read', description: "Use the demo server's read-only tools" },
      { name: 'demo:write', description: "Use the demo server's tools that change things" },
    ],
    connectScopes: ['demo:read'],
    tools: [
      { tool: 'echo', scopes: [] },
      { tool: 'whoami', scopes: [] },
      { tool: 'add_*', scopes: ['demo:write'] },
    ],
  };
  writeFileSync(gatewayFile, `${JSON.stringify({ publicUrl: gatewayBase, upstreams: [demo] }, null, 2)}\n`);
}
// One identity key for the gateway, kept across runs (the upstreams cache its key set).
const identityKey = env.IDENTITY_KEY_FILE ?? join(dataDir, 'gateway-identity.pem');
// A file the caller named is theirs: the gateway reports it if it is missing.
if (env.IDENTITY_KEY_FILE === undefined && !existsSync(identityKey)) {
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(identityKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}

// Without a broker the producers deliver events to the audit service's /internal/events,
// which takes them only from a producer presenting its own credential, bound to its CloudEvents
// source (docs/events.md). Unless the caller configured AUDIT_INGEST_PRODUCERS, a fresh
// credential per producer is made for this run and handed to that producer alone.
const producerSources = {
  'auth-server': '/portcullis/auth-server',
  'mcp-server': '/portcullis/mcp-server',
  'mcp-gateway': '/portcullis/mcp-gateway',
};
const ingestSecrets = {};
if (!env.BROKER_URL && env.AUDIT_INGEST_PRODUCERS === undefined) {
  for (const app of Object.keys(producerSources)) ingestSecrets[app] = randomBytes(32).toString('base64url');
}
const ingestProducers = Object.entries(ingestSecrets).map(([app, secret]) => `${producerSources[app]}=${secret}`).join(',');

const services = {
  'auth-server': {
    PORT: portOf(issuer, '9000'),
    ISSUER_URL: issuer,
    MCP_RESOURCE_URL: mcpResource,
    GATEWAY_CONFIG_FILE: gatewayFile,
    SQLITE_PATH: join(dataDir, 'auth-server.sqlite'),
    BOOTSTRAP_USERS: env.BOOTSTRAP_USERS ?? `${demoUser}:${demoPassword}`,
    AUDIT_INGEST_URL: env.BROKER_URL ? undefined : `${auditBase}/internal/events`,
  },
  'audit-service': {
    PORT: portOf(auditBase, '3100'),
    ISSUER_URL: issuer,
    SQLITE_PATH: join(dataDir, 'audit-service.sqlite'),
    AUDIT_INGEST_PRODUCERS: ingestProducers || undefined,
  },
  'mcp-server': {
    PORT: portOf(mcpResource, '3000'),
    ISSUER_URL: issuer,
    RESOURCE_URL: mcpResource,
    SQLITE_PATH: join(dataDir, 'mcp-server.sqlite'),
    AUDIT_INGEST_URL: env.BROKER_URL ? undefined : `${auditBase}/internal/events`,
  },
  'mcp-gateway': {
    PORT: portOf(gatewayBase, '3300'),
    ISSUER_URL: issuer,
    GATEWAY_CONFIG_FILE: gatewayFile,
    IDENTITY_KEY_FILE: identityKey,
    SQLITE_PATH: join(dataDir, 'mcp-gateway.sqlite'),
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

/** Runs one process, its output prefixed with its name; if it dies, everything stops. */
function run(app, script, childEnv) {
  const child = spawn(process.execPath, [script], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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

for (const [app, defaults] of Object.entries(services)) {
  const childEnv = { ...env };
  // The service's own defaults apply unless the caller set the variable.
  for (const [k, v] of Object.entries(defaults)) if (v !== undefined && env[k] === undefined) childEnv[k] = v;
  if (app !== 'auth-server') delete childEnv.BOOTSTRAP_USERS;
  // Readable lines for a person at the terminal (the services' own default is JSON, as their
  // stdout is this script's pipe), in colour when this terminal shows colours.
  childEnv.LOG_FORMAT ??= 'pretty';
  if (process.stdout.isTTY && env.NO_COLOR === undefined) childEnv.FORCE_COLOR ??= '1';
  // Each producer gets its own credential, whatever a shared AUDIT_INGEST_SECRET in the environment says.
  if (ingestSecrets[app]) childEnv.AUDIT_INGEST_SECRET = ingestSecrets[app];
  if (app === 'audit-service') delete childEnv.AUDIT_INGEST_SECRET;
  run(app, join(root, 'dist/apps', app, 'main.js'), childEnv);
}
// The demo upstream is not a Portcullis service: none of their settings reach it.
run('demo-upstream', join(root, 'scripts/demo-upstream.mjs'), {
  PATH: env.PATH,
  PORT: demoUpstreamPort,
  GATEWAY_URL: gatewayBase,
  UPSTREAM_URL: demoUpstreamUrl,
});
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
  waitLive(`${gatewayBase}/health/live`),
]);
if (ready.every(Boolean)) {
  const ownFile = env.GATEWAY_CONFIG_FILE === undefined;
  console.log(`
  Portcullis is running.

    MCP server (resource)     ${mcpResource}
    MCP gateway               ${gatewayBase}/<upstream>/mcp   (upstreams from ${gatewayFile})
      demo upstream           ${gatewayBase}/demo/mcp → ${demoUpstreamUrl}
    Authorization server      ${issuer}   (metadata: ${issuer}/.well-known/oauth-authorization-server)
    Audit service             ${auditBase}/audit/events   (needs a token with audit:read)
    Console                   ${issuer}/console/   (operators: dashboard and audit log)

    Demo login                ${demoUser} / ${demoPassword}

  Connect an MCP client to ${mcpResource} or ${gatewayBase}/demo/mcp: it gets a 401, discovers
  the authorization server, registers itself and sends you to the login page. For example, with
  the MCP Inspector:
    npx @modelcontextprotocol/inspector   → Transport "Streamable HTTP", URL ${gatewayBase}/demo/mcp
  A machine client: node dist/apps/auth-server/cli.js clients:add --help

  Protect your own MCP server (any language, Streamable HTTP):${ownFile ? `
    cp ${gatewayFile} gateway.json` : ''}
    add it to ${ownFile ? 'gateway.json' : gatewayFile}'s "upstreams": {"name": "mine", "url": "http://127.0.0.1:8080/mcp",
      "scopes": [{"name": "mine:use", "description": "Use my server"}], "connectScopes": ["mine:use"],
      "uncoveredTools": "allow"}
    GATEWAY_CONFIG_FILE=${ownFile ? 'gateway.json' : gatewayFile} npm start   → clients connect to ${gatewayBase}/mine/mcp
  It receives a Portcullis-Identity JWT to verify with ${gatewayBase}/.well-known/jwks.json
  (README: "Protect your own MCP server").

  Ctrl-C stops everything.
`);
}
