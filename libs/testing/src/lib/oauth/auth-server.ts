import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oauth from 'oauth4webapi';
import { DEFAULT_RESOURCES } from '@portcullis/scopes';
import { freePort } from '../free-port';
import { type RunningService, startService } from '../start-service';
import { type RoundRobinProxy, startRoundRobinProxy } from '../round-robin-proxy';
import { createTestDatabase, type TestDatabase } from '../test-database';

/**
 * Starts the built auth-server (dist/apps/auth-server/main.js) on the embedded SQLite store
 * or on a fresh database of the real PostgreSQL, and discovers it the way any client would:
 * from the issuer URL alone. Every suite's tests start it here (the auth-server's own
 * black-box tests, the resource servers' tests, the whole-system test).
 */
export type Backend = 'sqlite' | 'postgres';
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];

/** The people BOOTSTRAP_USERS creates. Each test file uses them as it likes. */
export const USERS = {
  alice: { username: 'alice', password: 'alice-correct-horse-1' },
  bob: { username: 'bob', password: 'bob-battery-staple-2' },
  carol: { username: 'carol', password: 'carol-locked-out-3' },
  /** An operator: the `admin` role, so the admin scopes and (for a person) audit:read. */
  root: { username: 'root', password: 'root-operator-pass-4', admin: true },
} as const;

export const INITIAL_ACCESS_TOKEN = 'bb-initial-access-token-4f1c9a7e2d';

/**
 * The resource servers of the MCP server and of the audit API, pre-registered through
 * CLIENTS_FILE as an operator does: the only clients that may introspect (RFC 7662 §4).
 */
export const RESOURCE_SERVERS = {
  mcp: {
    client_id: 'bb-mcp-resource-server',
    client_secret: 'bb-mcp-resource-server-secret-7c41e9a2b5d8',
    token_endpoint_auth_method: 'client_secret_basic',
    resource_server: DEFAULT_RESOURCES.mcp,
  },
  audit: {
    client_id: 'bb-audit-resource-server',
    client_secret: 'bb-audit-resource-server-secret-93d0f6c1a4e7',
    token_endpoint_auth_method: 'client_secret_basic',
    resource_server: DEFAULT_RESOURCES.audit,
  },
} as const;

export type Environment = Record<string, string | undefined>;

/** The resource servers as CLIENTS_FILE entries, bound to the resources this start serves. */
function writeClientsFile(dir: string, env: Environment): string {
  const path = join(dir, 'clients.json');
  const resources = { mcp: env['MCP_RESOURCE_URL'] ?? DEFAULT_RESOURCES.mcp, audit: env['AUDIT_RESOURCE_URL'] ?? DEFAULT_RESOURCES.audit };
  const entries = (Object.keys(RESOURCE_SERVERS) as (keyof typeof RESOURCE_SERVERS)[]).map((kind) => ({
    ...RESOURCE_SERVERS[kind],
    resource_server: resources[kind],
    client_name: RESOURCE_SERVERS[kind].client_id,
    grant_types: ['client_credentials'],
  }));
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

export interface AuthServer {
  backend: Backend;
  issuer: string;
  /** The process (with `replicas`, the first replica). */
  service: RunningService;
  /** Every process serving the issuer: one, or the replicas behind `proxy`. */
  replicas: RunningService[];
  /** With `replicas` > 1: the round-robin proxy at the issuer URL. */
  proxy?: RoundRobinProxy;
  /** Where its data lives: SQLITE_PATH or DATABASE_URL. */
  storage: Record<string, string>;
  /** The metadata, as validated by oauth4webapi's discovery. */
  as: oauth.AuthorizationServer;
  /** Stops the process and starts a new one on the same port and storage (no in-memory state survives). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** oauth4webapi refuses http:// endpoints unless told this is a test on loopback. */
export const insecure = { [oauth.allowInsecureRequests]: true } as const;

export async function discover(issuer: string): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  const res = await oauth.discoveryRequest(url, { algorithm: 'oauth2', ...insecure });
  return oauth.processDiscoveryResponse(url, res);
}

export interface StartOptions {
  /** Rewrites the PostgreSQL URL the server is given (e.g. through a cuttable TCP proxy). */
  routeDatabase?: (url: string) => string;
  /** A port chosen beforehand, when other services must know the issuer before it starts. */
  port?: number;
  /** How long to wait for it to become live (a busy machine starting many services needs more). */
  timeoutMs?: number;
  /**
   * Processes sharing the one PostgreSQL database behind a round-robin proxy at the issuer URL
   * (`port`), as a scaled deployment runs them: consecutive requests land on different replicas.
   */
  replicas?: number;
}

/** `server` as seen through one replica: every endpoint of its metadata at that replica's origin (the issuer stays the public one). */
export function atReplica(server: AuthServer, index: number): AuthServer {
  const origin = new URL(server.issuer).origin;
  const replica = server.replicas[index];
  const as = Object.fromEntries(
    Object.entries(server.as).map(([name, value]) => [name, name !== 'issuer' && typeof value === 'string' && value.startsWith(origin) ? replica.url + value.slice(origin.length) : value]),
  ) as oauth.AuthorizationServer;
  return { ...server, as, service: replica };
}

export async function startAuthServer(backend: Backend, env: Environment = {}, options: StartOptions = {}): Promise<AuthServer> {
  let database: TestDatabase | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bb-'));
  const storage: Record<string, string> = {};
  if (backend === 'postgres') {
    database = await createTestDatabase('portcullis_bb');
    storage.DATABASE_URL = database.url;
  } else {
    storage.SQLITE_PATH = join(dir, 'auth.sqlite');
  }
  const clientsFile = writeClientsFile(dir, env);
  const cleanup = async () => {
    if (database) await database.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Someone may be rebuilding dist/ at this moment: one retry covers a half-written bundle.
    let service: RunningService | undefined;
    const environment = (port: number): Environment => ({
      ISSUER_URL: `http://127.0.0.1:${port}`,
      BOOTSTRAP_USERS: Object.values(USERS)
        .map((u) => `${u.username}:${u.password}${'admin' in u ? ':admin' : ''}`)
        .join(','),
      REGISTRATION_INITIAL_ACCESS_TOKEN: INITIAL_ACCESS_TOKEN,
      CLIENTS_FILE: clientsFile,
      DATABASE_URL: undefined,
      ...storage,
      ...(storage.DATABASE_URL && options.routeDatabase ? { DATABASE_URL: options.routeDatabase(storage.DATABASE_URL) } : {}),
      ...env,
    });
    const count = options.replicas ?? 1;
    if (count > 1) {
      if (backend !== 'postgres') throw new Error('replicas share one PostgreSQL database');
      return await startReplicas(count, environment, options, backend, storage, cleanup);
    }
    for (let attempt = 0; !service; attempt++) {
      const port = options.port ?? (await freePort());
      try {
        service = await startService('auth-server', port, environment(port), options.timeoutMs);
      } catch (err) {
        if (attempt >= 1) throw err;
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    let running = service;
    const issuer = running.url;
    return {
      backend,
      issuer,
      get service() {
        return running;
      },
      get replicas() {
        return [running];
      },
      storage,
      as: await discover(issuer),
      async restart() {
        await running.stop();
        running = await startService('auth-server', running.port, environment(running.port), options.timeoutMs);
      },
      async stop() {
        await running.stop();
        await cleanup();
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/** `count` auth-server processes on one database, the issuer URL on a round-robin proxy in front. */
async function startReplicas(
  count: number,
  environment: (port: number) => Environment,
  options: StartOptions,
  backend: Backend,
  storage: Record<string, string>,
  cleanup: () => Promise<void>,
): Promise<AuthServer> {
  const proxyPort = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${proxyPort}`;
  const env = { ...environment(proxyPort), ISSUER_URL: issuer };
  const replicas: RunningService[] = [];
  let proxy: RoundRobinProxy | undefined;
  const stopAll = async () => {
    await proxy?.close();
    await Promise.all(replicas.map((r) => r.stop()));
  };
  try {
    // One after another, as a rolling deployment starts them.
    for (let i = 0; i < count; i++) replicas.push(await startService('auth-server', await freePort(), env, options.timeoutMs));
    proxy = await startRoundRobinProxy(
      replicas.map((r) => r.url),
      proxyPort,
    );
    return {
      backend,
      issuer,
      get service() {
        return replicas[0];
      },
      replicas,
      proxy,
      storage,
      as: await discover(issuer),
      async restart() {
        for (let i = 0; i < replicas.length; i++) {
          await replicas[i].stop();
          replicas[i] = await startService('auth-server', replicas[i].port, env, options.timeoutMs);
        }
      },
      async stop() {
        await stopAll();
        await cleanup();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
