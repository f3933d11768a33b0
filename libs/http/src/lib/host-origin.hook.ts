import type { FastifyReply, FastifyRequest } from 'fastify';
import { setRefusalReason } from './refusal-log';

export interface HostOriginPolicy {
  /** Host header values (host[:port], lower case) this server answers to. */
  allowedHosts: readonly string[];
  /** Browser origins accepted; empty accepts any well-formed origin. */
  allowedOrigins: readonly string[];
}

/**
 * Liveness probes and Prometheus scrapes come from orchestrators and scrapers that address each
 * replica by IP (DNS service discovery); neither carries anything a rebinding page could use
 * (/metrics has its own bearer token, METRICS_TOKEN).
 */
const EXEMPT = /^\/(health\/|metrics(\?|$))/;

function forbidden(request: FastifyRequest, reply: FastifyReply, reason: 'forbidden_host' | 'forbidden_origin', description: string): void {
  setRefusalReason(request, reason);
  reply.code(403).header('content-type', 'application/json').header('cache-control', 'no-store').send({ error: 'invalid_request', error_description: description });
}

/**
 * DNS-rebinding protection (MCP Streamable HTTP, "Security Warning"): a page on another site
 * that gets its name re-pointed at this server still sends its own name in `Host`, so only the
 * configured names are served. `Origin`, when present, must be a well-formed origin and, if
 * origins are configured, one of them. Any origin is accepted by default because the bearer
 * token, never an ambient cookie, is the credential (and the endpoints are CORS-open for
 * browser-based MCP clients).
 */
export function hostOriginHook(policy: HostOriginPolicy) {
  const hosts = new Set(policy.allowedHosts.map((h) => h.toLowerCase()));
  const origins = new Set(policy.allowedOrigins.map((o) => o.toLowerCase()));
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (EXEMPT.test(request.url)) return done();
    const host = request.headers.host?.toLowerCase();
    if (!host || !hosts.has(host)) return forbidden(request, reply, 'forbidden_host', 'Host header not allowed');
    const origin = request.headers.origin;
    if (origin !== undefined) {
      let normalized: string | undefined;
      try {
        const url = new URL(origin);
        normalized = url.origin === 'null' ? undefined : url.origin.toLowerCase();
      } catch {
        normalized = undefined;
      }
      if (!normalized || (origins.size > 0 && !origins.has(normalized))) return forbidden(request, reply, 'forbidden_origin', 'Origin not allowed');
    }
    done();
  };
}
