// Our auth-server under benchmark: started from its build on a fresh PostgreSQL database, a
// trusted confidential client registered through the public API, codes minted through the
// real authorization endpoint, login and consent pages.
import { randomBytes, createHash } from 'node:crypto';
import { join } from 'node:path';
import {
  backendLister,
  BENCH_POSTGRES_URL,
  CookieJar,
  createDatabase,
  databaseCounters,
  freePort,
  requireFile,
  startIngestSink,
  startNode,
  withClient,
} from '../lib/index.mjs';
import { CODE_CHALLENGE, PASSWORD, REDIRECT_URI, RESOURCE, RESOURCE_SCOPES, SCOPE, USERNAME } from './scenario.mjs';

/**
 * Starts dist/apps/auth-server/main.js (or `main`, a candidate build to compare). Options: `root` (workspace), `logs` (true = production
 * logging, written to a file nobody reads, as a deployment would), `nodeArgs` (e.g.
 * `--cpu-prof`), `logFile`, `env` (settings added or overridden, e.g. short token lifetimes),
 * `readyTimeoutMs` (start-up on a loaded machine).
 */
export async function startOurs({ root, main = join(root, 'dist/apps/auth-server/main.js'), logs = false, nodeArgs = [], logFile, env = {}, readyTimeoutMs }) {
  requireFile(main, 'build it first: NX_DAEMON=false NX_NO_CLOUD=true npx nx run auth-server:build');
  const db = await createDatabase('portcullis_bench');
  let server;
  let sink;
  let backends;
  try {
    // Every token writes an audit event to the outbox; the relay delivers it, with no broker,
    // to AUDIT_INGEST_URL. A sink of our own takes them, so the whole durable path runs as in
    // production and nothing reaches a real audit service (the user's may be on :3100).
    sink = await startIngestSink();
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const initialAccessToken = randomBytes(24).toString('base64url');
    server = await startNode({
      script: main,
      cwd: root,
      nodeArgs,
      logFile,
      readyUrl: `${issuer}/health/live`,
      timeoutMs: readyTimeoutMs,
      inheritEnv: false,
      env: {
        NODE_ENV: logs ? 'production' : 'test',
        // Lets a candidate build outside the workspace (--ours-main) resolve its packages.
        NODE_PATH: join(root, 'node_modules'),
        AUDIT_INGEST_URL: `${sink.url}/internal/events`,
        PORT: String(port),
        HOST: '127.0.0.1',
        ISSUER_URL: issuer,
        DATABASE_URL: db.url,
        MCP_RESOURCE_URL: RESOURCE,
        BOOTSTRAP_USERS: `${USERNAME}:${PASSWORD}`,
        REGISTRATION_INITIAL_ACCESS_TOKEN: initialAccessToken,
        // Codes are minted ahead of the measured run; the default 60 s could run out mid-run.
        AUTHORIZATION_CODE_TTL: '900',
        ...env,
      },
    });
    const client = await registerTrustedClient(issuer, initialAccessToken, db.url);
    backends = await backendLister(BENCH_POSTGRES_URL, db.name);
    return {
      name: 'ours',
      baseUrl: issuer,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      registration: client.via,
      pid: server.pid,
      databaseUrl: db.url,
      mintCodes: (n, onProgress) => mintCodes(issuer, client.clientId, n, onProgress),
      /** Processes whose CPU is this server's cost: itself, and its PostgreSQL backends (as they come and go). */
      cpuSources: { server: async () => [server.pid], database: backends.list },
      /** pg_stat_database counters of its database, after letting backends publish them. */
      dbCounters: () => databaseCounters(BENCH_POSTGRES_URL, db.name, 11_000),
      /** Audit events the server's relay has delivered so far. */
      deliveredEvents: async () => (await sink.stats()).items,
      async stop() {
        try {
          await backends.close();
          await server.stop();
          await sink.stop();
        } finally {
          await db.drop();
        }
      },
    };
  } catch (err) {
    await backends?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await sink?.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}

const CLIENT_METADATA = {
  client_name: 'token-bench',
  application_type: 'web',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: RESOURCE_SCOPES.join(' '),
};

/**
 * RFC 7591 §3 registration, trusted by the initial access token. Until the registration
 * endpoint exists in the build (404), the client row is written directly, and the output
 * says so.
 */
async function registerTrustedClient(issuer, initialAccessToken, databaseUrl) {
  const res = await fetch(`${issuer}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${initialAccessToken}` },
    body: JSON.stringify(CLIENT_METADATA),
  });
  const text = await res.text();
  if (res.status === 404) return insertClientRow(databaseUrl);
  if (res.status !== 201 && res.status !== 200) throw new Error(`client registration failed: ${res.status} ${text}`);
  const body = JSON.parse(text);
  if (!body.client_id || !body.client_secret) throw new Error(`registration returned no client_id/client_secret: ${text}`);
  return { clientId: body.client_id, clientSecret: body.client_secret, via: 'POST /register (RFC 7591, initial access token)' };
}

/** Stand-in for registration while the endpoint is missing: the row the CLI/registration would write. */
async function insertClientRow(databaseUrl) {
  const clientId = `bench-${randomBytes(8).toString('hex')}`;
  const clientSecret = randomBytes(32).toString('base64url');
  const secretHash = createHash('sha256').update(clientSecret).digest('base64url');
  await withClient(databaseUrl, (c) =>
    c.query(
      `INSERT INTO clients (client_id, secret_hash, token_endpoint_auth_method, redirect_uris, grant_types, response_types,
         scope, client_name, application_type, trusted, origin, created_at)
       VALUES ($1, $2, 'client_secret_basic', $3, $4, $5, $6, $7, 'web', true, 'preregistered', $8)`,
      [
        clientId,
        secretHash,
        JSON.stringify(CLIENT_METADATA.redirect_uris),
        JSON.stringify(CLIENT_METADATA.grant_types),
        JSON.stringify(CLIENT_METADATA.response_types),
        CLIENT_METADATA.scope,
        CLIENT_METADATA.client_name,
        Date.now(),
      ],
    ),
  );
  return { clientId, clientSecret, via: 'DIRECT ROW INSERT (POST /register answered 404: registration endpoint not in this build)' };
}

function authorizeUrl(issuer, clientId) {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    resource: RESOURCE,
    state: randomBytes(8).toString('hex'),
    code_challenge: CODE_CHALLENGE,
    code_challenge_method: 'S256',
  });
  return `${issuer}/authorize?${q}`;
}

/** The code from a redirect to the client's callback, or an error saying where the flow went. */
function codeFrom(res, step) {
  const location = res.headers.get('location');
  if (res.status !== 303 || !location?.startsWith(REDIRECT_URI)) {
    throw new Error(`${step}: expected a 303 to ${REDIRECT_URI}, got ${res.status} ${location ?? ''}`);
  }
  const url = new URL(location);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`${step}: callback without a code: ${location}`);
  return code;
}

function formOf(html, step) {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  if (!action || !csrf) throw new Error(`${step}: no form with csrf_token on the page`);
  // Undo HTML character references (&#61; &#x2F; &amp;) in attribute values.
  const unescape = (s) =>
    s
      .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
      .replace(/&#(\d+);/g, (_, d) => String.fromCharCode(Number(d)))
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return { action: unescape(action), csrf: unescape(csrf) };
}

async function follow(jar, res, step) {
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`${step}: expected 303, got ${res.status}`);
  return jar.fetch(new URL(location, res.url).toString());
}

async function postForm(jar, url, fields) {
  return jar.fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

/**
 * Logs in once through the real pages (login form, then the consent form with approve, unless
 * consent is already remembered) and returns the session cookies with the first code.
 */
async function logIn(issuer, clientId) {
  const jar = new CookieJar();
  const start = await jar.fetch(authorizeUrl(issuer, clientId));
  const loginPage = await follow(jar, start, 'authorize');
  const login = formOf(await loginPage.text(), 'login page');
  const afterLogin = await postForm(jar, login.action, { csrf_token: login.csrf, username: USERNAME, password: PASSWORD });
  if (afterLogin.headers.get('location')?.startsWith(REDIRECT_URI)) {
    return { cookie: jar.header(), firstCode: codeFrom(afterLogin, 'login') };
  }
  const consentPage = await follow(jar, afterLogin, 'login');
  const consent = formOf(await consentPage.text(), 'consent page');
  const approved = await postForm(jar, consent.action, { csrf_token: consent.csrf, decision: 'approve' });
  return { cookie: jar.header(), firstCode: codeFrom(approved, 'consent') };
}

/**
 * Codes from the authorization endpoint: with the session cookie and consent remembered, each
 * request redirects straight to the callback with a fresh code. Concurrency 8.
 */
async function mintCodes(issuer, clientId, n, onProgress) {
  const { cookie, firstCode } = await logIn(issuer, clientId);
  const codes = [firstCode];
  let issued = 1;
  const worker = async () => {
    while (issued < n) {
      issued += 1;
      const res = await fetch(authorizeUrl(issuer, clientId), { headers: { cookie }, redirect: 'manual' });
      await res.arrayBuffer();
      codes.push(codeFrom(res, 'authorize with session'));
      if (onProgress && codes.length % 1000 === 0) onProgress(codes.length);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return codes;
}
