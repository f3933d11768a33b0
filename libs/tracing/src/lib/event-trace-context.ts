import { context, type Link, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { portcullisTracer, tracingStarted } from './tracing-state';

/**
 * The CloudEvents Distributed Tracing extension (cloudevents/spec, extensions/distributed-tracing.md):
 * an event carries the W3C Trace Context of the operation that produced it as two attributes.
 */
export interface EventTraceContext {
  traceparent?: string;
  tracestate?: string;
}

/**
 * The active span as the extension's attributes, for an event being built now; `{}` when
 * tracing is off or no span is active (an event from a background job, a CLI).
 */
export function activeEventTraceContext(): EventTraceContext {
  if (!tracingStarted()) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  if (!carrier['traceparent']) return {};
  return carrier['tracestate'] ? { traceparent: carrier['traceparent'], tracestate: carrier['tracestate'] } : { traceparent: carrier['traceparent'] };
}

/** The trace id a W3C `traceparent` names (`00-<trace-id>-<parent-id>-<flags>`), or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const m = traceparent === undefined ? null : /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent);
  return m && !/^0+$/.test(m[1]) ? m[1] : undefined;
}

/** What a consumer span needs of an event. */
export interface TracedEvent extends EventTraceContext {
  id: string;
  type: string;
  source: string;
}

/**
 * Runs `work` (which stores `events`) with one CONSUMER span per event, each the child of the
 * trace its event carries, so a trace runs from the request that caused an event to the write
 * that stored it; when events arrive in a batch (the HTTP ingest), each span also links to the
 * span that delivered the batch. Without tracing, just `work()`.
 */
export async function consumeTraced<T>(events: readonly TracedEvent[], system: 'rabbitmq' | 'http', work: () => Promise<T>): Promise<T> {
  if (!tracingStarted()) return work();
  const delivering = trace.getSpanContext(context.active());
  const links: Link[] = delivering ? [{ context: delivering }] : [];
  const spans: Span[] = events.map((event) => {
    const parent = event.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent, tracestate: event.tracestate ?? '' }) : ROOT_CONTEXT;
    return portcullisTracer().startSpan(
      `process ${event.type}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: {
          'messaging.system': system,
          'messaging.operation.type': 'process',
          'messaging.message.id': event.id,
          'cloudevents.event_id': event.id,
          'cloudevents.event_type': event.type,
          'cloudevents.event_source': event.source,
        },
      },
      parent,
    );
  });
  try {
    return await work();
  } catch (err) {
    for (const span of spans) span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : 'storage failed' });
    throw err;
  } finally {
    for (const span of spans) span.end();
  }
}
