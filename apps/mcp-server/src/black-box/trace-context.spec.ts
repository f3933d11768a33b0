import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseConfig } from '@portcullis/config';
import { EventType } from '@portcullis/contracts';
import {
  createTestDatabase,
  freePort,
  ingestCredentials,
  OtlpReceiver,
  type RealAuthServer,
  type RunningService,
  startRealAuthServer,
  startService,
  type TestDatabase,
} from '@portcullis/testing';
import { startTracing, type Tracing } from '@portcullis/tracing';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { SpanKind } from '@opentelemetry/api';
import * as amqp from 'amqplib';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMcpServerApp } from '../bootstrap';
import { mcpServerConfigSchema } from '../config/mcp-server.config';

/*
 * One tool call followed from the client's request to its stored audit row. The mcp-server
 * runs in this process with the SDK's in-memory exporter; the authorization server and the
 * audit service are the built processes, the audit service exporting over OTLP/HTTP to a tiny
 * receiver here. The client sends its own W3C traceparent; the same trace id must come out at
 * every step: the mcp-server's server span, the event's `traceparent` extension, the audit
 * service's consumer span, and the audit API filtered by trace_id.
 */

jest.setTimeout(120_000);

const BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SCOPE = 'sentiment:analyze';

interface StoredEvent {
  id: string;
  type: string;
  traceparent?: string;
  data: Record<string, unknown>;
}

const exporter = new InMemorySpanExporter();
let tracing: Tracing | undefined;

beforeAll(async () => {
  tracing = await startTracing({ enabled: false }, { serviceName: 'mcp-server', spanProcessors: [new SimpleSpanProcessor(exporter)] });
});
afterAll(() => tracing?.shutdown());

async function within<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

interface Path {
  /** Settings of the audit service and of the mcp-server for this delivery path. */
  audit(dir: string, auditPort: number): Promise<Record<string, string | undefined>>;
  mcp(auditUrl: string): Promise<Record<string, string | undefined>>;
  stop(): Promise<void>;
}

function tracedToolCall(name: string, path: () => Path) {
  describe(name, () => {
    let route: Path;
    let as: RealAuthServer;
    let audit: RunningService;
    let mcp: NestFastifyApplication;
    let receiver: OtlpReceiver;
    let mcpUrl: string;
    let resource: string;
    let auditResource: string;
    const dir = mkdtempSync(join(tmpdir(), 'traces-'));

    beforeAll(async () => {
      route = path();
      receiver = await new OtlpReceiver().start();
      const [mcpPort, auditPort] = await Promise.all([freePort(), freePort()]);
      resource = `http://127.0.0.1:${mcpPort}/mcp`;
      auditResource = `http://127.0.0.1:${auditPort}/audit`;
      as = await startRealAuthServer('sqlite', { MCP_RESOURCE_URL: resource, AUDIT_RESOURCE_URL: auditResource });
      audit = await startService('audit-service', auditPort, {
        ISSUER_URL: as.issuer,
        RESOURCE_URL: auditResource,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ...(await route.audit(dir, auditPort)),
      });
      const config = parseConfig(mcpServerConfigSchema, { NODE_ENV: 'test', PORT: String(mcpPort), RESOURCE_URL: resource, ISSUER_URL: as.issuer, ...(await route.mcp(audit.url)) });
      mcp = await createMcpServerApp(config, { requestLog: false });
      await mcp.listen(mcpPort, '127.0.0.1');
      mcpUrl = `http://127.0.0.1:${mcpPort}`;
    });

    afterAll(async () => {
      await mcp?.close();
      await audit?.stop();
      await as?.stop();
      await receiver?.stop();
      await route?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("carries the client's trace id from its tools/call to the stored mcp.tool.called event", async () => {
      const client = await as.registerTrusted(SCOPE);
      const { access_token: token } = await as.clientCredentials(client, resource, SCOPE);
      const traceId = randomBytes(16).toString('hex');
      const callerSpanId = randomBytes(8).toString('hex');
      const res = await fetch(`${mcpUrl}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${token}`,
          traceparent: `00-${traceId}-${callerSpanId}-01`,
          tracestate: 'portcullis=test',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'analyze_sentiment', arguments: { text: 'Acme beats estimates' } } }),
      });
      expect(res.status).toBe(200);
      await res.text();

      // The mcp-server's server span continues the caller's trace.
      const server = exporter.getFinishedSpans().find((s: ReadableSpan) => s.kind === SpanKind.SERVER && s.spanContext().traceId === traceId);
      expect(server).toBeDefined();
      expect(server!.name).toBe('POST /mcp');
      expect(server!.parentSpanContext?.spanId).toBe(callerSpanId);

      // The audit API finds the stored event by the trace id; its traceparent names the server span.
      const auditor = await as.registerTrusted('audit:read');
      const { access_token: auditToken } = await as.clientCredentials(auditor, auditResource, 'audit:read');
      const events = await within('the traced event in the audit store', async () => {
        const r = await fetch(`${audit.url}/audit/events?trace_id=${traceId}`, { headers: { authorization: `Bearer ${auditToken}` } });
        expect(r.status).toBe(200);
        const page = (await r.json()) as { events: StoredEvent[] };
        return page.events.length ? page.events : undefined;
      });
      expect(events.map((e) => e.type)).toEqual([EventType.McpToolCalled]);
      expect(events[0].data).toMatchObject({ tool: 'analyze_sentiment', client_id: client.client_id });
      expect(events[0].traceparent).toBe(`00-${traceId}-${server!.spanContext().spanId}-01`);

      // The audit service's consumer span is the child of that span, exported over OTLP.
      const consumer = await within('the audit consumer span', async () =>
        receiver.spans().find((s) => s.kind === 5 && s.traceId === traceId && s.name === `process ${EventType.McpToolCalled}`),
      );
      expect(consumer.parentSpanId).toBe(server!.spanContext().spanId);
      expect(consumer.attributes).toContainEqual({ key: 'cloudevents.event_id', value: { stringValue: events[0].id } });

      // Another trace id finds nothing; a malformed one is a precise 400.
      const other = await fetch(`${audit.url}/audit/events?trace_id=${randomBytes(16).toString('hex')}`, { headers: { authorization: `Bearer ${auditToken}` } });
      expect(((await other.json()) as { events: unknown[] }).events).toEqual([]);
      const bad = await fetch(`${audit.url}/audit/events?trace_id=XYZ`, { headers: { authorization: `Bearer ${auditToken}` } });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining('trace_id') });
    });
  });
}

tracedToolCall('traces through the embedded default (SQLite, HTTP ingest)', () => {
  const credentials = ingestCredentials();
  return {
    audit: async (dir) => ({ DATABASE_URL: undefined, BROKER_URL: undefined, SQLITE_PATH: join(dir, 'audit.sqlite'), AUDIT_INGEST_PRODUCERS: credentials.producers }),
    mcp: async (auditUrl) => ({ SQLITE_PATH: ':memory:', AUDIT_INGEST_URL: `${auditUrl}/internal/events`, AUDIT_INGEST_SECRET: credentials.secret.mcpServer }),
    stop: async () => undefined,
  };
});

tracedToolCall('traces through RabbitMQ and PostgreSQL', () => {
  const queue = `portcullis.audit.traces-${randomBytes(4).toString('hex')}`;
  const databases: TestDatabase[] = [];
  return {
    audit: async () => {
      const db = await createTestDatabase('traces_audit');
      databases.push(db);
      return { DATABASE_URL: db.url, BROKER_URL, AUDIT_QUEUE: queue };
    },
    mcp: async () => {
      const db = await createTestDatabase('traces_mcp');
      databases.push(db);
      return { DATABASE_URL: db.url, BROKER_URL };
    },
    stop: async () => {
      await Promise.all(databases.map((d) => d.drop().catch(() => undefined)));
      const connection = await amqp.connect(BROKER_URL);
      const channel = await connection.createChannel();
      // The queue, and its dead-letter queue and exchange (audit-topology.ts names them `<queue>.dead`).
      await channel.deleteQueue(queue);
      await channel.deleteQueue(`${queue}.dead`);
      await channel.deleteExchange(`${queue}.dead`);
      await connection.close().catch(() => undefined);
    },
  };
});
