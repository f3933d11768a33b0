import { EventSink, type RunningService, startService } from '@portcullis/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The broker every test on this machine shares. */
export const BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** One tools/call with `token` to the replica at `url`. */
export function callTool(url: string, token: string): Promise<Response> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'analyze_sentiment', arguments: { text: 'Acme beats' } } }),
  });
}

/**
 * Milliseconds from `since` until `url` first refuses `token` as revoked (401); every answer
 * before that must be a 200. Fails once `timeoutMs` have passed.
 */
export async function untilRevoked(url: string, token: string, since: number, timeoutMs: number, pollMs = 2): Promise<number> {
  for (;;) {
    const res = await callTool(url, token);
    const elapsed = performance.now() - since;
    if (res.status === 401) {
      expect(res.headers.get('www-authenticate')).toContain('the access token has been revoked');
      return elapsed;
    }
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    if (elapsed > timeoutMs) throw new Error(`${url} still accepts the revoked token after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * mcp-server replicas as processes from dist/, each with its own SQLite file in one temporary
 * directory and its audit events sent to one ingest sink.
 */
export class McpReplicas {
  readonly running: RunningService[] = [];
  private dir = '';
  private sink?: EventSink;

  async open(name: string): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), `${name}-`));
    this.sink = await new EventSink().start();
    return this;
  }

  /** Starts replica `i` on `port` for `resource`, trusting `issuer`, with `env` on top. */
  async start(i: number, port: number, resource: string, issuer: string, env: Record<string, string | undefined>): Promise<RunningService> {
    const replica = await startService('mcp-server', port, {
      RESOURCE_URL: resource,
      ISSUER_URL: issuer,
      SQLITE_PATH: join(this.dir, `mcp-${i}.sqlite`),
      DATABASE_URL: undefined,
      AUDIT_INGEST_URL: this.sink?.url,
      ...env,
    });
    this.running.push(replica);
    return replica;
  }

  async stopReplicas(): Promise<void> {
    await Promise.all(this.running.map((r) => r.stop()));
  }

  /** After the replicas (and whatever they talk to) have stopped. */
  async close(): Promise<void> {
    await this.sink?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  get sinkUrl(): string | undefined {
    return this.sink?.url;
  }
}
