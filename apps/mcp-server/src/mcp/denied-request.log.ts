import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { markRefusalLogged } from '@portcullis/http';
import type { AccessDenial, AccessDenialListener } from '@portcullis/resource-server';
import { isOwnMethod, isOwnTool } from './own-names';

/** What an operator reads about one refused MCP request. Never the token, never caller free text. */
export interface DeniedRequestLine {
  msg: 'mcp request denied';
  /** Named here: the mcp-server keeps no request context for the logger to read it from (bootstrap.ts). */
  requestId?: string;
  status: number;
  /** The verifier's precise reason (`missing_token`, `expired`, `bad_signature`, `insufficient_scope`, …). */
  reason: AccessDenial['reason'];
  method?: string;
  /** Named only when it is one of this server's tools: any other string is caller input. */
  tool?: string;
  client_id?: string;
  sub?: string;
  required_scopes?: string[];
}

export function deniedRequestLine(denial: AccessDenial, body: unknown, requestId?: string): DeniedRequestLine {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  const { method, params } = (typeof first === 'object' && first !== null ? first : {}) as { method?: unknown; params?: { name?: unknown } };
  const tool = method === 'tools/call' && isOwnTool(params?.name) ? params.name : undefined;
  const principal = denial.principal;
  return {
    msg: 'mcp request denied',
    ...(requestId ? { requestId } : {}),
    status: denial.status,
    reason: denial.reason,
    ...(isOwnMethod(method) ? { method } : {}),
    ...(tool ? { tool } : {}),
    // Present only for a token that verified (a 403, a revoked or expired one): then they are its claims.
    ...(principal ? { client_id: principal.clientId, sub: principal.subject } : {}),
    ...(denial.requiredScopes.length ? { required_scopes: [...denial.requiredScopes] } : {}),
  };
}

/**
 * One JSON line per refused request (the app's logger writes JSON), so a person at a terminal
 * can tell why a client was turned away without a debugger — and without a secret in the log.
 * The line marks the refusal as logged, so the shared error filter does not log it again.
 */
@Injectable()
export class DeniedRequestLog implements AccessDenialListener {
  private readonly logger = new Logger('McpAccess');

  accessDenied(denial: AccessDenial, request: FastifyRequest): void {
    this.logger.log(deniedRequestLine(denial, request.body, request.id));
    markRefusalLogged(request);
  }
}
