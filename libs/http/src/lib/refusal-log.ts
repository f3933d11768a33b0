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

/**
 * Why a request was answered with a 4xx/5xx, set once by whatever made the answer and printed
 * on the request's one log line: the OAuth `error` code (`invalid_grant`), the bearer
 * challenge's (`invalid_token`, `insufficient_scope`, or `missing_token` for a request that
 * sent none), the JSON-RPC error code of an MCP refusal, or a short reason
 * (`body_too_large`, `forbidden_origin`). The first reason set wins: it is the most precise.
 */
const reasons = new WeakMap<object, string>();

export function setRefusalReason(request: FastifyRequest, reason: string | number): void {
  if (!reasons.has(request)) reasons.set(request, String(reason));
}

/** setRefusalReason for code that holds only the reply; returns it, to answer on. */
export function withRefusalReason<R extends { request: FastifyRequest }>(reply: R, reason: string | number): R {
  setRefusalReason(reply.request, reason);
  return reply;
}

export function refusalReason(request: FastifyRequest): string | undefined {
  return reasons.get(request);
}
