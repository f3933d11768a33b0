import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseConfig } from '@portcullis/config';
import { EventSink, freePort, TestIssuer } from '@portcullis/testing';
import { createMcpServerApp, type McpServerAppOptions } from '../bootstrap';
import { mcpServerConfigSchema } from '../config/mcp-server.config';

export interface McpTestApp {
  app: NestFastifyApplication;
  issuer: TestIssuer;
  /** Receives the audit events the server delivers (embedded mode). */
  sink: EventSink;
  url: string;
  resource: string;
  /** A valid token for `subject` with exactly `scope`. */
  token(scope: string, subject?: string): Promise<string>;
  /** POSTs JSON-RPC to /mcp through Fastify's injector. */
  rpc(body: unknown, token?: string, headers?: Record<string, string>): ReturnType<NestFastifyApplication['inject']>;
  close(): Promise<void>;
}

/** The mcp-server in-process, listening on loopback, trusting a local test issuer. */
export async function startMcpTestApp(env: Record<string, string> = {}, options: { path?: string; logger?: McpServerAppOptions['logger'] } = {}): Promise<McpTestApp> {
  const port = await freePort();
  const path = options.path ?? '/mcp';
  const resource = `http://127.0.0.1:${port}${path}`;
  const issuer = await new TestIssuer(resource).start();
  const sink = await new EventSink().start();
  const config = parseConfig(mcpServerConfigSchema, {
    NODE_ENV: 'test',
    PORT: String(port),
    RESOURCE_URL: resource,
    ISSUER_URL: issuer.issuer,
    SQLITE_PATH: ':memory:',
    AUDIT_INGEST_URL: sink.url,
    ...env,
  });
  const app = await createMcpServerApp(config, { requestLog: !!options.logger, logger: options.logger });
  await app.listen(port, '127.0.0.1');
  let nextId = 1;
  return {
    app,
    issuer,
    sink,
    url: `http://127.0.0.1:${port}`,
    resource,
    token: (scope, subject = 'alice') => issuer.mint({ claims: { scope, sub: subject } }),
    rpc: (body, token, headers = {}) =>
      app.inject({
        method: 'POST',
        url: path,
        headers: {
          host: `127.0.0.1:${port}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        payload: JSON.stringify(body ?? { jsonrpc: '2.0', id: nextId++, method: 'tools/list' }),
      }),
    async close() {
      await app.close();
      await issuer.stop();
      await sink.stop();
    },
  };
}

export function callTool(name: string, args: Record<string, unknown> = {}, id: number | string = 1) {
  return { jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } };
}
