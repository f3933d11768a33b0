import type { FastifyRequest } from 'fastify';
import type { Principal, TokenFailureReason } from './principal';

/**
 * Why the guard refused a request. Never holds the token: the principal is there only when
 * the token was verified (a 403, or a 401 for a genuine token that was revoked or has expired).
 * `PolicyReason`: the refusals of a guard's own policy on top of the bearer rules (the gateway's).
 */
export interface AccessDenial<PolicyReason extends string = never> {
  status: 400 | 401 | 403;
  reason: 'missing_token' | 'invalid_request' | 'insufficient_scope' | TokenFailureReason | PolicyReason;
  description: string;
  requiredScopes: readonly string[];
  principal?: Principal;
}

/**
 * Told of every refusal before it is answered (an audit event, a log line, a metric). The
 * answer is the same whatever a listener does: a listener that throws is logged and ignored.
 */
export interface AccessDenialListener {
  accessDenied(denial: AccessDenial, request: FastifyRequest): void | Promise<void>;
}

/**
 * Injection token for the listeners (an array) the bearer guard reports to. Provide it in the
 * module whose controllers use the guard; without it refusals are reported to no one.
 */
export const ACCESS_DENIAL_LISTENERS = Symbol('ACCESS_DENIAL_LISTENERS');
