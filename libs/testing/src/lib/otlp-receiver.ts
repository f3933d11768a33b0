import type { IncomingMessage } from 'node:http';
import { JsonReceiver } from './json-receiver';

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
export class OtlpReceiver extends JsonReceiver {
  readonly exports: OtlpExport[] = [];
  url = '';

  async start(): Promise<this> {
    this.url = await this.listen();
    return this;
  }

  protected receive(parsed: OtlpBody, _raw: string, request: IncomingMessage): void {
    const resourceSpans = parsed.resourceSpans ?? [];
    this.exports.push({
      path: request.url ?? '',
      contentType: request.headers['content-type'],
      services: resourceSpans.flatMap((r) => (r.resource?.attributes ?? []).filter((a) => a.key === 'service.name').map((a) => a.value.stringValue ?? '')),
      spans: resourceSpans.flatMap((r) => (r.scopeSpans ?? []).flatMap((s) => s.spans ?? [])),
    });
  }

  /** Every span received so far. */
  spans(): OtlpSpan[] {
    return this.exports.flatMap((e) => e.spans);
  }
}
