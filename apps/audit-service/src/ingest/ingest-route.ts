import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, RouteOptions } from 'fastify';
import { isInternalPath, setRefusalReason } from '@portcullis/http';
import { AccessDenied, InvalidToken, OAuthError } from '@portcullis/oauth';
import { authenticateProducer, type IngestProducer } from './ingest-producers';

/** The embedded ingest endpoint (IngestController), as Fastify sees it. */
export const INGEST_PATH = '/internal/events';
/** A relay batch (up to 500 CloudEvents) fits many times over; no other route needs more than the default. */
export const INGEST_BODY_LIMIT = 8 * 1024 * 1024;

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="audit-ingest"' };
const producerKey = Symbol('ingest-producer');

/** The producer the ingest route's onRequest hook authenticated (undefined on any other route). */
export function ingestProducerOf(request: FastifyRequest): IngestProducer | undefined {
  return (request as unknown as Record<symbol, IngestProducer | undefined>)[producerKey];
}

/**
 * Everything the ingest route checks is checked in onRequest, before Fastify reads the body:
 * a caller who cannot prove itself costs a header comparison, never the parsing of 8 MiB
 * (Nest guards run after the body is parsed, which is why this is not a guard). The large
 * body limit is set on this one route, for JSON only; every other route keeps the default.
 * Call before the Nest app is initialised: onRoute sees only routes registered after it.
 */
export function hardenIngestRoute(fastify: FastifyInstance, producers: readonly IngestProducer[]): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url !== INGEST_PATH || !methods.includes('POST')) return;
    route.bodyLimit = INGEST_BODY_LIMIT;
    route.onRequest = [...hooksOf(route.onRequest), authenticate(producers), requireJson];
  });
  fastify.addHook('onRequest', refuseBrowserRequests);
}

/**
 * /internal/* is server to server. A browser always marks its requests — `Origin` on every
 * POST and cross-origin request, `Sec-Fetch-Site` on every request to a potentially
 * trustworthy origin (localhost included) — so a page the person has open cannot post
 * forged events, not even by a "simple" form POST that needs no preflight. Preflights carry
 * `Origin` too, so they are refused here rather than answered.
 */
const refuseBrowserRequests: onRequestHookHandler = (request, reply, done) => {
  if (!isInternalPath(request.url) && !isInternalPath(request.routeOptions.url ?? '')) return done();
  const h = request.headers;
  // Node's own fetch (undici) sends `Sec-Fetch-Mode: cors` and nothing else of these; the
  // other modes (navigate, no-cors, same-origin, websocket) come only from browsers.
  const browserMode = h['sec-fetch-mode'] !== undefined && h['sec-fetch-mode'] !== 'cors';
  if (h.origin !== undefined || h['sec-fetch-site'] !== undefined || browserMode) {
    return send(reply, new AccessDenied('browser requests are not accepted on internal endpoints'));
  }
  done();
};

function authenticate(producers: readonly IngestProducer[]): onRequestHookHandler {
  return (request, reply, done) => {
    const header = request.headers.authorization;
    // RFC 6750 §2.1: "Bearer" is case-insensitive, followed by one space and the credential.
    const presented = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7) : '';
    const producer = presented ? authenticateProducer(presented, producers) : undefined;
    if (!producer) {
      const why = producers.length === 0 ? 'no producer credentials are configured (AUDIT_INGEST_PRODUCERS)' : 'missing or unknown producer credential';
      return send(reply, new InvalidToken(why, CHALLENGE));
    }
    (request as unknown as Record<symbol, IngestProducer>)[producerKey] = producer;
    done();
  };
}

/** Only JSON batches: a form body at ingest was the 8 MiB quadratic parse of issue 9. */
const requireJson: onRequestHookHandler = (request, reply, done) => {
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') return send(reply, new OAuthError('invalid_request', 'expected Content-Type: application/json', 415));
  done();
};

/**
 * Renders like the shared exception filter (hooks run before Nest, so it cannot). The body
 * was never read: closing the connection spares reading whatever the refused caller sends.
 */
function send(reply: FastifyReply, error: OAuthError): void {
  setRefusalReason(reply.request, error.error);
  // `send` returns the reply, which is thenable; Fastify writes it and reports its errors.
  void reply
    .code(error.status)
    .headers({ 'cache-control': 'no-store', connection: 'close', ...error.headers })
    .type('application/json')
    .send(error.toJSON());
}

function hooksOf(hooks: RouteOptions['onRequest']): onRequestHookHandler[] {
  if (!hooks) return [];
  return (Array.isArray(hooks) ? hooks : [hooks]) as onRequestHookHandler[];
}
