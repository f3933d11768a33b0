import { createTestDatabase, EventSink, freePort, type RealAuthServer, type RunningService, startRealAuthServer, startService, type TestDatabase } from '@portcullis/testing';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordingUpstream, startEverything, startSilentUpstream, startStatelessUpstream, type TestUpstream } from './upstreams';

export const UPSTREAM_KEY = 'gw-test-upstream-key-1f4c';

/**
 * The whole path as processes: the built authorization server and two built gateway replicas
 * reading one gateway file (replica A on SQLite, B on PostgreSQL: the outbox is the gateway's
 * only storage), one shared identity key, an event sink for the audit events, and upstreams
 * nobody here wrote — server-everything (stateful), a stateless MCP SDK server, and one that is
 * down.
 */
export type UpstreamName = 'everything' | 'plain' | 'down' | 'silent';

/** Options of a stack for one spec: more upstreams in the file, more settings for every replica. */
export interface GatewayStackOptions {
  /** Declarations added to the gateway file, given the silent upstream's URL. */
  upstreams?: (urls: { silent: string; plain: string }) => object[];
  env?: Record<string, string | undefined>;
}

export interface GatewayStack {
  as: RealAuthServer;
  gateways: RunningService[];
  publicUrl: string;
  everything: TestUpstream;
  plain: RecordingUpstream;
  sink: EventSink;
  resource(name: UpstreamName | (string & {})): string;
  /** Starts one more replica on the same file and key, with these settings on top (stopped with the stack). */
  startReplica(env?: Record<string, string | undefined>): Promise<RunningService>;
  stop(): Promise<void>;
}

function gatewayFile(publicUrl: string, everything: string, plain: string, down: string, silent: string) {
  return {
    publicUrl,
    upstreams: [
      {
        name: 'everything',
        title: 'The MCP reference server',
        url: everything,
        scopes: [
          { name: 'everything:use', description: 'Use the reference server' },
          { name: 'everything:env', description: 'Read the reference server environment' },
          { name: 'everything:images', description: 'Fetch images', privileged: true },
        ],
        connectScopes: ['everything:use'],
        tools: [
          { tool: 'echo', scopes: [] },
          { tool: 'get-sum', scopes: [] },
          { tool: 'get-env', scopes: ['everything:env'] },
          { tool: 'get-tiny-image', scopes: ['everything:images'] },
          { tool: 'gzip-*', deny: true },
          { tool: 'trigger-long-*', scopes: [] },
        ],
        resources: [
          { uri: 'demo://resource/static/document/*', scopes: [] },
          { uri: 'demo://resource/dynamic/text/*', scopes: [] },
        ],
        prompts: [
          { prompt: 'simple-prompt', scopes: [] },
          { prompt: 'args-*', scopes: ['everything:env'] },
        ],
      },
      {
        name: 'plain',
        url: plain,
        auth: { type: 'header', header: 'x-upstream-key', valueFromEnv: 'PLAIN_UPSTREAM_KEY' },
        scopes: [{ name: 'plain:use', description: 'Use the plain server' }],
        connectScopes: ['plain:use'],
        tools: [
          { tool: 'internal-*', deny: true },
          { tool: '*', scopes: [] },
        ],
      },
      { name: 'down', url: down, scopes: [{ name: 'down:use', description: 'Use a server that is down' }], connectScopes: ['down:use'], uncoveredTools: 'allow' },
      { name: 'silent', url: silent, scopes: [{ name: 'silent:use', description: 'Use a server that never answers' }], connectScopes: ['silent:use'], timeoutMs: 800 },
    ],
  };
}

export async function startGatewayStack(options: GatewayStackOptions = {}): Promise<GatewayStack> {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-'));
  const [portA, portB, downPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const publicUrl = `http://127.0.0.1:${portA}`;
  const everything = await startEverything();
  const plain = await startStatelessUpstream();
  const silent = await startSilentUpstream();
  const sink = await new EventSink().start();
  const file = join(dir, 'gateway.json');
  const declared = gatewayFile(publicUrl, everything.url, plain.url, `http://127.0.0.1:${downPort}/mcp`, silent.url);
  declared.upstreams.push(...((options.upstreams?.({ silent: silent.url, plain: plain.url }) ?? []) as typeof declared.upstreams));
  writeFileSync(file, JSON.stringify(declared));
  const keyFile = join(dir, 'identity.pem');
  writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const as = await startRealAuthServer('sqlite', { GATEWAY_CONFIG_FILE: file });
  let db: TestDatabase | undefined;
  const gateways: RunningService[] = [];
  const extra: RunningService[] = [];
  const common = {
    GATEWAY_CONFIG_FILE: file,
    ISSUER_URL: as.issuer,
    AUDIT_INGEST_URL: sink.url,
    IDENTITY_KEY_FILE: keyFile,
    PLAIN_UPSTREAM_KEY: UPSTREAM_KEY,
    REVOCATIONS_POLL_MS: '200',
    ...options.env,
  };
  try {
    db = await createTestDatabase('gateway');
    gateways.push(await startService('mcp-gateway', portA, { ...common, DATABASE_URL: undefined, SQLITE_PATH: join(dir, 'gateway-a.sqlite') }));
    gateways.push(await startService('mcp-gateway', portB, { ...common, DATABASE_URL: db.url }));
  } catch (err) {
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all([as.stop(), everything.stop(), plain.stop(), silent.stop(), sink.stop(), db?.drop()]);
    throw err;
  }
  return {
    as,
    gateways,
    publicUrl,
    everything,
    plain,
    sink,
    resource: (name) => `${publicUrl}/${name}/mcp`,
    async startReplica(env = {}) {
      const replica = await startService('mcp-gateway', await freePort(), { ...common, DATABASE_URL: undefined, SQLITE_PATH: join(dir, `gateway-${extra.length}.sqlite`), ...env });
      extra.push(replica);
      return replica;
    },
    async stop() {
      await Promise.all([...gateways, ...extra].map((g) => g.stop()));
      await Promise.all([as.stop(), everything.stop(), plain.stop(), silent.stop(), sink.stop()]);
      await db?.drop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
