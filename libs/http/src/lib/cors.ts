import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One CORS policy: who may read the answers, and what a preflight allows. Bearer only: never credentials. */
export interface CorsPolicy {
  /** `'*'` (any origin) or the exact origins answered (the request's Origin echoed back). */
  origins: '*' | readonly string[];
  methods: readonly string[];
  allowedHeaders: readonly string[];
  exposedHeaders: readonly string[];
  /** Seconds a browser may cache a preflight's answer. */
  maxAgeSeconds: number;
}

/** A policy with its header values joined once, not on every request. */
interface CompiledPolicy {
  origins: '*' | ReadonlySet<string>;
  methods: string;
  allowedHeaders: string;
  exposedHeaders: string;
  maxAge: string;
}

/** Which policy a request's path gets; undefined: no CORS at all (no header, no preflight). */
export type CorsPolicyFor = (url: string) => CorsPolicy | undefined;

const PREFLIGHT = Symbol('corsPreflight');
type PreflightRequest = FastifyRequest & { [PREFLIGHT]?: boolean };

/**
 * CORS (WHATWG Fetch, "CORS protocol") as one onRequest hook whose header values are computed
 * once per policy. It answers exactly as @fastify/cors did here with a per-path delegator, which
 * normalised its options into new objects on every request (a visible share of the gateway's CPU
 * per proxied call, bench/gateway/README.md):
 * - every answer carries `Vary: Origin` (whether it is readable depends on the Origin: the
 *   Fetch standard's "CORS protocol and HTTP caches"); one on a CORS path also carries
 *   `Access-Control-Allow-Origin` (`*`, or the request's Origin when it is one of the policy's,
 *   else none) and `Access-Control-Expose-Headers`;
 * - a preflight (OPTIONS) must carry Origin and Access-Control-Request-Method, else 400; it is
 *   answered 204 with an empty body and the allowed methods, headers and max age, before any
 *   other hook could refuse it for lacking credentials (a browser sends none on a preflight);
 * - on paths without a policy an OPTIONS request is not answered (404, as for an unknown route).
 */
export function registerCors(fastify: FastifyInstance, policyFor: CorsPolicyFor): void {
  const compiled = new Map<CorsPolicy, CompiledPolicy>();
  const compile = (policy: CorsPolicy): CompiledPolicy => {
    let found = compiled.get(policy);
    if (!found) {
      found = {
        origins: policy.origins === '*' || policy.origins.includes('*') ? '*' : new Set(policy.origins),
        methods: policy.methods.join(', '),
        allowedHeaders: policy.allowedHeaders.join(', '),
        exposedHeaders: policy.exposedHeaders.join(', '),
        maxAge: String(policy.maxAgeSeconds),
      };
      compiled.set(policy, found);
    }
    return found;
  };
  fastify.addHook('onRequest', (request: PreflightRequest, reply, done) => {
    // Every answer says it may depend on the Origin, on every path (as @fastify/cors's delegator did).
    addVaryOrigin(reply);
    const policy = policyFor(request.url);
    if (!policy) return done();
    const cors = compile(policy);
    const origin = request.headers.origin;
    if (cors.origins === '*') reply.header('Access-Control-Allow-Origin', '*');
    else if (typeof origin === 'string' && cors.origins.has(origin)) reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Access-Control-Expose-Headers', cors.exposedHeaders);
    if (request.raw.method !== 'OPTIONS') return done();
    if (!origin || !request.headers['access-control-request-method']) {
      reply.status(400).type('text/plain').send('Invalid Preflight Request');
      return;
    }
    request[PREFLIGHT] = true;
    reply.header('Access-Control-Allow-Methods', cors.methods).header('Access-Control-Allow-Headers', cors.allowedHeaders).header('Access-Control-Max-Age', cors.maxAge);
    reply.code(204).header('Content-Length', '0').send();
  });
  // Lets Fastify route an OPTIONS request at all; a preflight was answered by the hook already.
  fastify.options('*', (request: PreflightRequest, reply) => {
    if (!request[PREFLIGHT]) return reply.callNotFound();
    return reply.send();
  });
}

/** Adds `Origin` to the answer's Vary (RFC 9110 §12.5.5) unless it is there already or Vary is `*`. */
function addVaryOrigin(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  if (vary === undefined || vary === '') {
    reply.header('Vary', 'Origin');
    return;
  }
  const value = Array.isArray(vary) ? vary.join(', ') : String(vary);
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  if (names.includes('*') || names.includes('origin')) return;
  reply.header('Vary', `${value}, Origin`);
}
