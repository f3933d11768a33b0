import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventType, type EventData, type EventTypeName } from '@portcullis/contracts';
import { AuditEvents, type CallerTextFields, emitWithholding } from '@portcullis/events';
import { withRequestId } from '@portcullis/http';
import type { AccessDenial, AccessDenialListener, Principal } from '@portcullis/resource-server';
import type { FastifyRequest } from 'fastify';
import { isOwnMethod, isOwnTool } from '../mcp/own-names';
import type { ToolCall } from '../mcp/tool-calls';

type DeniedReason = 'missing_token' | 'invalid_token' | 'expired' | 'revoked' | 'wrong_audience' | 'insufficient_scope';

/** The contract's reasons are coarser than the verifier's: the rest is `invalid_token`. */
function deniedReason(denial: AccessDenial): DeniedReason {
  switch (denial.reason) {
    case 'missing_token':
    case 'insufficient_scope':
    case 'expired':
    case 'revoked':
    case 'wrong_audience':
      return denial.reason;
    default:
      return 'invalid_token';
  }
}

const clip = (value: string, max: number) => (value.length > max ? value.slice(0, max) : value);

/** The fields of this producer's events that carry what the caller wrote, and when a value is this server's own name. */
const CALLER_TEXT: CallerTextFields = { method: isOwnMethod, tool: isOwnTool };

/** What the first message of a body asks for: its method and, for tools/call, the tool. */
function target(body: unknown): { method?: string; tool?: string } {
  const first: unknown = Array.isArray(body) ? body[0] : body;
  if (typeof first !== 'object' || first === null) return {};
  const { method, params } = first as { method?: unknown; params?: { name?: unknown } };
  if (typeof method !== 'string' || method === '') return {};
  const tool = method === 'tools/call' && typeof params?.name === 'string' && params.name !== '' ? clip(params.name, 128) : undefined;
  return { method: clip(method, 128), ...(tool ? { tool } : {}) };
}

/**
 * The mcp-server's audit events (docs/events.md): `mcp.request.denied` for every 401/403 the
 * guard answers and `mcp.tool.called` for every tool call. Recording is one outbox row; the
 * relay delivers later, so the request path never waits for the broker. A failure to record is
 * logged and never turns an answer into a 500. Tokens never appear: a token is named by `jti`,
 * and only once verified.
 */
@Injectable()
export class McpAudit implements AccessDenialListener {
  private readonly logger = new Logger('McpAudit');

  constructor(@Inject(AuditEvents) private readonly events: AuditEvents) {}

  /** The bearer guard's refusals (this is one of its denial listeners). */
  async accessDenied(denial: AccessDenial, request: FastifyRequest): Promise<void> {
    const body = request.body;
    // The contract covers 401 and 403; a 400 (a token in the URL, a malformed header) is a bad request, not an access decision.
    if (denial.status !== 401 && denial.status !== 403) return;
    const principal = denial.principal;
    await this.record(
      EventType.McpRequestDenied,
      {
        status: denial.status as 401 | 403,
        reason: deniedReason(denial),
        error_description: clip(denial.description, 512),
        ...(principal ? { client_id: principal.clientId, subject: principal.subject, jti: principal.jti } : {}),
        ...target(body),
        ...(denial.requiredScopes.length ? { required_scopes: [...denial.requiredScopes] } : {}),
      },
      principal ? { subject: principal.jti } : {},
      request.id,
    );
  }

  /** One event per tools/call request of a body (toolCallsOf), all taking the body's `durationMs` and the request's id. */
  toolsCalled(calls: readonly ToolCall[], principal: Principal, durationMs: number, requestId: string): Promise<void> {
    const record = ({ tool, error }: ToolCall) =>
      this.record(
        EventType.McpToolCalled,
        {
          tool: clip(tool, 128),
          outcome: error ? 'error' : 'success',
          duration_ms: Math.round(durationMs * 1000) / 1000,
          client_id: principal.clientId,
          subject: principal.subject,
          jti: principal.jti,
          ...(error ? { error } : {}),
        },
        { subject: principal.jti },
        requestId,
      );
    // Nearly every body is one call: its own promise, not one gathered by Promise.all.
    if (calls.length === 1) return record(calls[0]);
    return Promise.all(calls.map(record)).then(() => undefined);
  }

  /**
   * Builds (validated against the contract) and records one event (group-committed by
   * libs/events), never throwing; caller text the contract refuses (a method or tool name that is
   * not this server's) is withheld (libs/events emitWithholding). The request's id is handed on
   * here, event and error line alike: the mcp-server keeps no request context (bootstrap.ts).
   */
  private record<T extends EventTypeName>(type: T, data: EventData<T>, options: { subject?: string }, requestId: string): Promise<void> {
    return emitWithholding(this.events, { type, data, options: { ...options, requestId } }, CALLER_TEXT, (msg) => this.logger.error(withRequestId(requestId, msg)));
  }
}
