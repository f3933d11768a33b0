import { context, trace } from '@opentelemetry/api';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activeEventTraceContext } from './event-trace-context';
import { tracedServerFactory } from './http-server-spans';
import { startTracing, type Tracing } from './start-tracing';
import { tracedRequest } from './outgoing-request-span';

/** What a tiny OTLP/HTTP receiver got: the JSON bodies POSTed to /v1/traces. */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}
interface OtlpBody {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const listen = (server: Server) => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
  });

describe('spans reach an OTLP/HTTP endpoint', () => {
  const received: { path: string; contentType?: string; body: OtlpBody }[] = [];
  const receiver = createServer((req, res) => {
    void readBody(req).then((body) => {
      received.push({ path: req.url ?? '', contentType: req.headers['content-type'], body: JSON.parse(body) as OtlpBody });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  let tracing: Tracing | undefined;
  let app: Server;
  let appUrl: string;
  /** What the traced server's handler saw, after reading the body (as Fastify does) in a later turn. */
  let seen: { traceparent?: string } = {};

  beforeAll(async () => {
    const endpoint = await listen(receiver);
    tracing = await startTracing({ enabled: true, tracesUrl: `${endpoint}/v1/traces`, serviceName: 'otlp-test' }, { serviceName: 'unused' });
    app = tracedServerFactory((req, res) => {
      void readBody(req).then(async () => {
        await new Promise((r) => setTimeout(r, 5));
        seen = activeEventTraceContext();
        res.writeHead(200).end('ok');
      });
    });
    appUrl = await listen(app);
  });

  afterAll(async () => {
    await tracing?.shutdown();
    await new Promise((r) => app?.close(r));
    await new Promise((r) => receiver.close(r));
  });

  const spans = () => received.flatMap((r) => r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)));

  it('continues the caller\'s traceparent in a server span, across the body read, and exports both spans as OTLP JSON', async () => {
    const clientSpan = trace.getTracer('client').startSpan('client call');
    const response = await context.with(trace.setSpan(context.active(), clientSpan), () =>
      tracedRequest({ method: 'POST', url: `${appUrl}/things?secret=x`, headers: { 'content-type': 'text/plain' } }, (headers) =>
        fetch(`${appUrl}/things?secret=x`, { method: 'POST', headers, body: 'hello' }),
      ),
    );
    clientSpan.end();
    expect(response.status).toBe(200);
    const traceId = clientSpan.spanContext().traceId;
    expect(seen.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    await tracing!.flush();
    expect(received.length).toBeGreaterThan(0);
    expect(received[0].path).toBe('/v1/traces');
    expect(received[0].contentType).toContain('application/json');
    expect(received[0].body.resourceSpans[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'otlp-test' } });
    const server = spans().find((s) => s.kind === 2)!;
    const outgoing = spans().find((s) => s.kind === 3)!;
    // One trace: the caller's span → the outgoing (CLIENT) span → the SERVER span.
    expect(outgoing.traceId).toBe(traceId);
    expect(outgoing.parentSpanId).toBe(clientSpan.spanContext().spanId);
    expect(server.traceId).toBe(traceId);
    expect(server.parentSpanId).toBe(outgoing.spanId);
    expect(seen.traceparent).toBe(`00-${traceId}-${server.spanId}-01`);
    // The query string (which may carry a code or a state) never reaches a span.
    expect(JSON.stringify(received)).not.toContain('secret=x');
    expect(server.attributes).toContainEqual({ key: 'url.path', value: { stringValue: '/things' } });
  });

  it('starts a new trace for a request without traceparent', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${appUrl}/plain`, { method: 'POST' }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(res).toBe(200);
    expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await tracing!.flush();
    const server = spans().find((s) => s.kind === 2 && s.attributes.some((a) => a.key === 'url.path' && a.value['stringValue'] === '/plain'))!;
    expect(server.parentSpanId ?? '').toBe('');
    expect(seen.traceparent).toContain(server.traceId);
  });
});
