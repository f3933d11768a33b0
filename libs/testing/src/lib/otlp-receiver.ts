import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as OTLP/HTTP JSON carries it (ids in hex, kind 2 = SERVER, 3 = CLIENT, 5 = CONSUMER). */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
  links?: { traceId: string; spanId: string }[];
}

export interface OtlpExport {
  path: string;
  contentType?: string;
  /** `service.name` of the resource that sent the spans. */
  services: string[];
  spans: OtlpSpan[];
}

interface OtlpBody {
  resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { spans?: OtlpSpan[] }[] }[];
}

/**
 * A tiny OTLP/HTTP receiver (JSON encoding, what @opentelemetry/exporter-trace-otlp-http sends):
 * the collector a traced service exports to in a test. Point OTEL_EXPORTER_OTLP_ENDPOINT at `url`.
 */
export class OtlpReceiver {
  readonly exports: OtlpExport[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        try {
          const parsed = JSON.parse(body) as OtlpBody;
          const resourceSpans = parsed.resourceSpans ?? [];
          this.exports.push({
            path: req.url ?? '',
            contentType: req.headers['content-type'],
            services: resourceSpans.flatMap((r) => (r.resource?.attributes ?? []).filter((a) => a.key === 'service.name').map((a) => a.value.stringValue ?? '')),
            spans: resourceSpans.flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? [])),
          });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  /** Every span received so far. */
  spans(): OtlpSpan[] {
    return this.exports.flatMap((e) => e.spans);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
