import { context, trace } from '@opentelemetry/api';
import { OtlpReceiver } from '@portcullis/testing';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { activeEventTraceContext } from './event-trace-context';
import { tracedServerFactory } from './http-server-spans';
import { startTracing, type Tracing } from './start-tracing';
import { tracedRequest } from './outgoing-request-span';

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
  });

describe('spans reach an OTLP/HTTP endpoint', () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing | undefined;
  let app: Server;
  let appUrl: string;
  /** What the traced server's handler saw, after reading the body (as Fastify does) in a later turn. */
  let seen: { traceparent?: string } = {};

  beforeAll(async () => {
    receiver = await new OtlpReceiver().start();
    tracing = await startTracing({ enabled: true, tracesUrl: `${receiver.url}/v1/traces`, serviceName: 'otlp-test' }, { serviceName: 'unused' });
    app = tracedServerFactory((req, res) => {
      void readBody(req).then(async () => {
        await new Promise((r) => setTimeout(r, 5));
        seen = activeEventTraceContext();
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await tracing?.shutdown();
    await new Promise((r) => app?.close(r));
    await receiver?.stop();
  });

  it("continues the caller's traceparent in a server span, across the body read, and exports both spans as OTLP JSON", async () => {
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
    expect(receiver.exports.length).toBeGreaterThan(0);
    expect(receiver.exports[0].path).toBe('/v1/traces');
    expect(receiver.exports[0].contentType).toContain('application/json');
    expect(receiver.exports[0].services).toEqual(['otlp-test']);
    const server = receiver.spans().find((s) => s.kind === 2)!;
    const outgoing = receiver.spans().find((s) => s.kind === 3)!;
    // One trace: the caller's span → the outgoing (CLIENT) span → the SERVER span.
    expect(outgoing.traceId).toBe(traceId);
    expect(outgoing.parentSpanId).toBe(clientSpan.spanContext().spanId);
    expect(server.traceId).toBe(traceId);
    expect(server.parentSpanId).toBe(outgoing.spanId);
    expect(seen.traceparent).toBe(`00-${traceId}-${server.spanId}-01`);
    // The query string (which may carry a code or a state) never reaches a span.
    expect(JSON.stringify(receiver.exports)).not.toContain('secret=x');
    expect(server.attributes).toContainEqual({ key: 'url.path', value: { stringValue: '/things' } });
  });

  it('starts a new trace for a request without traceparent', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${appUrl}/plain`, { method: 'POST' }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(200);
    expect(seen.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    await tracing!.flush();
    const server = receiver.spans().find((s) => s.kind === 2 && s.attributes.some((a) => a.key === 'url.path' && a.value.stringValue === '/plain'))!;
    expect(server.parentSpanId ?? '').toBe('');
    expect(seen.traceparent).toBe(`00-${server.traceId}-${server.spanId}-01`);
  });
});
