import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { portcullisTracer, tracingStarted } from './tracing-state';

export interface OutgoingRequest {
  method: string;
  url: string;
  /** The request's headers; the traced copy adds `traceparent` (and `tracestate`). */
  headers: Record<string, string>;
}

/**
 * Runs an outgoing HTTP request inside a CLIENT span and hands it headers that carry the span
 * as W3C `traceparent`, so the server it calls continues the same trace. The span ends when
 * `send` settles (the response's headers arrived, or it failed). Without tracing, `send` gets
 * the headers as they are and nothing else happens.
 */
export function tracedRequest<T extends { status: number }>(request: OutgoingRequest, send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  // Off: the call itself, not wrapped in one more promise (this runs for every proxied call).
  if (!tracingStarted()) return send(request.headers);
  return sendInSpan(request, send);
}

async function sendInSpan<T extends { status: number }>(request: OutgoingRequest, send: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  const target = new URL(request.url);
  const span = portcullisTracer().startSpan(request.method, {
    kind: SpanKind.CLIENT,
    attributes: { 'http.request.method': request.method, 'server.address': target.hostname, 'url.full': `${target.origin}${target.pathname}` },
  });
  const active = trace.setSpan(context.active(), span);
  const headers = { ...request.headers };
  propagation.inject(active, headers);
  try {
    const response = await context.with(active, () => send(headers));
    span.setAttribute('http.response.status_code', response.status);
    if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return response;
  } catch (err) {
    span.setAttribute('error.type', err instanceof Error ? err.name : 'error');
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}
