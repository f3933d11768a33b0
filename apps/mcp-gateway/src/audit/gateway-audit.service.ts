import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventType, type EventData, type EventTypeName } from '@portcullis/contracts';
import { AuditEvents, type CallerTextFields, emitWithholding } from '@portcullis/events';
import { withRequestId } from '@portcullis/http';
import type { Principal } from '@portcullis/resource-server';
import type { FastifyRequest } from 'fastify';
import type { GatewayDenial } from '../access/upstream-access.guard';
import type { McpBody } from '../access/mcp-body';
import type { Upstream } from '../upstreams/upstream-registry';

/** The contract's reasons are coarser than the verifier's: the rest is `invalid_token`. */
function deniedReason(reason: GatewayDenial['reason']): EventData<typeof EventType.McpRequestDenied>['reason'] {
  switch (reason) {
    case 'missing_token':
    case 'insufficient_scope':
    case 'expired':
    case 'revoked':
    case 'wrong_audience':
    case 'invalid_request':
    case 'denied_by_policy':
      return reason;
    default:
      return 'invalid_token';
  }
}

/** The fields that carry what the caller wrote: the gateway has no names of its own, so any may be withheld. */
const CALLER_TEXT: CallerTextFields = { method: () => false, tool: () => false };

export interface ToolCallRecord {
  /** The id of the request that made the call (the event's `requestid`). */
  requestId: string;
  upstream: Upstream;
  principal: Principal;
  tool: string;
  /** undefined: success; else a short machine-readable code (never a message, which may echo input). */
  error?: string;
  durationMs: number;
}

/** A request one of the upstream's limits refused (limits/), possibly standing for `count` of them. */
export interface LimitRefusalRecord {
  status: 429 | 503;
  reason: 'rate_limited' | 'over_capacity';
  description: string;
  upstream: string;
  principal: Principal;
  method?: string;
  tool?: string;
}

/**
 * The gateway's audit events (docs/events.md), in the same contract as the mcp-server's, with
 * the upstream named: `mcp.request.denied` for each refusal, `mcp.tool.called` for each tool
 * call once its answer has passed through. Recording is one outbox row (libs/events); a failure
 * to record is logged and never changes an answer. Tokens never appear, only their `jti`.
 * Each event made for a request is given that request's id (`requestid`) here: the gateway
 * hands request ids on explicitly (bootstrap.ts), there is no request context to find it in.
 */
@Injectable()
export class GatewayAudit {
  private readonly logger = new Logger('GatewayAudit');

  constructor(@Inject(AuditEvents) private readonly events: AuditEvents) {}

  async accessDenied(denial: GatewayDenial, request: FastifyRequest & { upstream?: Upstream; mcp?: McpBody }): Promise<void> {
    // The contract covers 401 and 403; a 400 is a bad request, not an access decision.
    if (denial.status !== 401 && denial.status !== 403) return;
    const principal = denial.principal;
    const tool = request.mcp?.uses.find((use) => use.capability === 'tool')?.name;
    await this.record(
      EventType.McpRequestDenied,
      {
        status: denial.status,
        reason: deniedReason(denial.reason),
        error_description: denial.description.slice(0, 512),
        ...(principal ? { client_id: principal.clientId, subject: principal.subject, jti: principal.jti } : {}),
        ...(request.mcp?.method ? { method: request.mcp.method } : {}),
        ...(tool ? { tool: tool.slice(0, 128) } : {}),
        ...(denial.requiredScopes.length ? { required_scopes: [...denial.requiredScopes] } : {}),
        ...(request.upstream ? { upstream: request.upstream.declaration.name } : {}),
      },
      principal?.jti,
      request.id,
    );
  }

  /**
   * One limit refusal: made by the request `requestId`, or (`count`) standing for the repeats of
   * a window that has ended, which no one request made (docs/events.md: no `requestid`).
   */
  async limitRefused(refusal: LimitRefusalRecord, by: { requestId: string } | { count: number }): Promise<void> {
    const count = 'count' in by ? by.count : undefined;
    const { principal } = refusal;
    await this.record(
      EventType.McpRequestDenied,
      {
        status: refusal.status,
        reason: refusal.reason,
        error_description: refusal.description.slice(0, 512),
        client_id: principal.clientId,
        subject: principal.subject,
        jti: principal.jti,
        upstream: refusal.upstream,
        ...(refusal.method ? { method: refusal.method } : {}),
        ...(refusal.tool ? { tool: refusal.tool.slice(0, 128) } : {}),
        ...(count ? { count } : {}),
      },
      principal.jti,
      'requestId' in by ? by.requestId : undefined,
    );
  }

  toolCalled(call: ToolCallRecord): Promise<void> {
    const { principal } = call;
    return this.record(
      EventType.McpToolCalled,
      {
        tool: call.tool.slice(0, 128),
        outcome: call.error ? 'error' : 'success',
        duration_ms: Math.round(call.durationMs * 1000) / 1000,
        client_id: principal.clientId,
        subject: principal.subject,
        jti: principal.jti,
        upstream: call.upstream.declaration.name,
        ...(call.error ? { error: call.error } : {}),
      },
      principal.jti,
      call.requestId,
    );
  }

  /** Records one event, never throwing; refused caller text is withheld (libs/events emitWithholding). */
  private record<T extends EventTypeName>(type: T, data: EventData<T>, subject: string | undefined, requestId: string | undefined): Promise<void> {
    const options = { ...(subject ? { subject } : {}), ...(requestId ? { requestId } : {}) };
    return emitWithholding(this.events, { type, data, options }, CALLER_TEXT, (msg) => this.logger.error(withRequestId(requestId, msg)));
  }
}
