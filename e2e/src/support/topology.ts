import * as amqp from 'amqplib';
import { randomBytes } from 'node:crypto';
import {
  type AuthServer,
  createTestDatabase,
  freePort,
  type RoundRobinProxy,
  type RunningService,
  startRoundRobinProxy,
  startAuthServer,
  startService,
  type TestDatabase,
  USERS,
} from '@portcullis/testing';

/** The broker every test on this machine shares; the exchange `portcullis.events` is shared too. */
export const BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export const PERSON = USERS.alice;

export interface TopologyOptions {
  replicas: number;
  /** Access token lifetime in seconds: short, so the refresh scenario need not wait long. */
  accessTokenTtl: number;
  /** The auth-server's port, when something (an upstream IdP) must know the issuer beforehand. */
  authPort?: number;
  /** More auth-server settings (e.g. OIDC_CONNECTIONS_FILE). */
  authEnv?: Record<string, string>;
  /** auth-server processes behind a round-robin proxy at the issuer URL (default 1). */
  authReplicas?: number;
}

/**
 * The production shape as processes from dist/: one PostgreSQL database per service, the real
 * RabbitMQ, the auth-server (optionally several replicas behind a round-robin proxy at the
 * issuer URL), the audit-service and N mcp-server replicas behind a round-robin proxy whose URL
 * is the MCP server's public URL (its resource identifier).
 */
export interface Topology {
  issuer: string;
  /** The MCP resource identifier, served by the proxy. */
  mcpUrl: string;
  auditUrl: string;
  auditResource: string;
  proxy: RoundRobinProxy;
  /** The authorization server, started and discovered by the shared OAuth test client. */
  authServer: AuthServer;
  auth: RunningService;
  audit: RunningService;
  replicas: RunningService[];
  /** The audit service's queue, unique to this run so it never takes other tests' events. */
  auditQueue: string;
  stop(): Promise<void>;
}

/** Starts a built service, once more if the first attempt fails (someone may be rebuilding dist/). */
async function start(app: 'auth-server' | 'mcp-server' | 'audit-service', port: number, env: Record<string, string | undefined>): Promise<RunningService> {
  try {
    return await startService(app, port, env, 60_000);
  } catch {
    await new Promise((r) => setTimeout(r, 2000));
    return startService(app, port, env, 60_000);
  }
}

async function deleteQueues(queue: string): Promise<void> {
  const connection = await amqp.connect(BROKER_URL);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteQueue(`${queue}.dead`);
    await channel.deleteExchange(`${queue}.dead`);
    await channel.close();
  } finally {
    await connection.close();
  }
}

export async function startTopology(options: TopologyOptions): Promise<Topology> {
  const runId = randomBytes(5).toString('hex');
  const auditQueue = `portcullis.audit.e2e_${runId}`;
  const [freeAuthPort, auditPort, proxyPort, ...replicaPorts] = await Promise.all(
    Array.from({ length: 3 + options.replicas }, () => freePort()),
  );
  const authPort = options.authPort ?? freeAuthPort;
  const issuer = `http://127.0.0.1:${authPort}`;
  const proxyOrigin = `http://127.0.0.1:${proxyPort}`;
  const mcpUrl = `${proxyOrigin}/mcp`;
  const auditUrl = `http://127.0.0.1:${auditPort}`;
  const auditResource = `${auditUrl}/audit`;

  const databases: TestDatabase[] = [];
  const services: RunningService[] = [];
  let proxy: RoundRobinProxy | undefined;
  let authServer: AuthServer | undefined;
  const stop = async () => {
    await proxy?.close();
    await Promise.all([...services.map((s) => s.stop()), authServer?.stop()]);
    await Promise.all(databases.map((d) => d.drop().catch(() => undefined)));
    await deleteQueues(auditQueue).catch(() => undefined);
  };

  try {
    const [auditDb, mcpDb] = await Promise.all([createTestDatabase('e2e_audit'), createTestDatabase('e2e_mcp')]);
    databases.push(auditDb, mcpDb);


    // The audit service first: its queue must exist before the first event is published.
    const audit = await start('audit-service', auditPort, {
      DATABASE_URL: auditDb.url,
      BROKER_URL,
      AUDIT_QUEUE: auditQueue,
      ISSUER_URL: issuer,
      RESOURCE_URL: auditResource,
    });
    services.push(audit);

    authServer = await startAuthServer(
      'postgres',
      { BROKER_URL, MCP_RESOURCE_URL: mcpUrl, AUDIT_RESOURCE_URL: auditResource, ACCESS_TOKEN_TTL: String(options.accessTokenTtl), ...options.authEnv },
      { port: authPort, timeoutMs: 60_000, replicas: options.authReplicas },
    );

    const replicas: RunningService[] = [];
    for (const port of replicaPorts) {
      const replica = await start('mcp-server', port, {
        ISSUER_URL: issuer,
        RESOURCE_URL: mcpUrl,
        DATABASE_URL: mcpDb.url,
        BROKER_URL,
      });
      replicas.push(replica);
      services.push(replica);
    }
    proxy = await startRoundRobinProxy(
      replicas.map((r) => r.url),
      proxyPort,
    );
    return { issuer, mcpUrl, auditUrl, auditResource, proxy, authServer, auth: authServer.service, audit, replicas, auditQueue, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
