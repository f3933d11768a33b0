import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { portcullisTracer } from './tracing-state';

/** Strips the query string: it may carry values that must not reach a trace (codes, states). */
function pathOnly(url: string | undefined): string {
  if (!url) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * Wraps a request listener so that each request runs inside its own SERVER span, the child of
 * the caller's W3C `traceparent`/`tracestate` when it sent them (Trace Context §3). Fastify
 * builds its server through this (its `serverFactory` option). The request and response
 * emitters are bound to the span's context: Fastify reads the body and calls the handler from
 * their events, which would otherwise run in the context of the connection, not the request's.
 * Attribute names follow the OpenTelemetry HTTP semantic conventions.
 */
export function tracedRequestListener(listener: RequestListener): RequestListener {
  return (req: IncomingMessage, res: ServerResponse) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const method = req.method ?? 'GET';
    const span = portcullisTracer().startSpan(
      method,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': pathOnly(req.url) } },
      parent,
    );
    // 'close' follows every response, finished or cut short by the client.
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute('error.type', 'aborted');
      span.end();
    });
    const active = trace.setSpan(parent, span);
    context.with(active, () => {
      context.bind(active, req);
      context.bind(active, res);
      listener(req, res);
    });
  };
}

/** A Fastify `serverFactory` whose requests are traced (tracedRequestListener). */
export function tracedServerFactory(handler: RequestListener): Server {
  return createServer(tracedRequestListener(handler));
}

/**
 * Names the current SERVER span after the matched route (`POST /token`, `POST /mcp`): a
 * low-cardinality name, as the semantic conventions ask; the raw path stays an attribute.
 */
export function nameServerSpan(method: string, route: string | undefined): void {
  const span = trace.getSpan(context.active());
  if (!span || !route) return;
  span.updateName(`${method} ${route}`);
  span.setAttribute('http.route', route);
}
