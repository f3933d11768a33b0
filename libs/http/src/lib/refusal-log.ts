import type { FastifyRequest } from 'fastify';

/**
 * The error filter writes one log line per refused request. A feature that has already
 * written a more precise line for a request (the MCP server's access denials carry the
 * verifier's reason and the tool) marks it here, so a refusal is logged once, not twice.
 */
const logged = new WeakSet<object>();

export function markRefusalLogged(request: FastifyRequest): void {
  logged.add(request);
}

export function isRefusalLogged(request: FastifyRequest): boolean {
  return logged.has(request);
}
