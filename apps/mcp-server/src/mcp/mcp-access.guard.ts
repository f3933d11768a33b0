import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { markRefusalLogged } from '@portcullis/http';
import { accessDenialOf, BearerAuthGuard, type Principal } from '@portcullis/resource-server';
import { scopesForResource } from '@portcullis/scopes';
import { McpAudit } from '../audit/mcp-audit.service';
import { MCP_SERVER_CONFIG, type McpServerConfig } from '../config/mcp-server.config';
import { DeniedRequestLog } from './denied-request.log';

/** The caller every request is served as when AUTH_DISABLED_FOR_BENCH is on. */
export const BENCH_PRINCIPAL: Principal = {
  subject: 'bench-user',
  clientId: 'bench-client',
  scopes: scopesForResource('mcp'),
  jti: 'bench',
  expiresAt: new Date(8.64e15),
  audience: 'bench',
};

/**
 * The bearer guard, unless the bench-only switch is on (refused by the config schema when
 * NODE_ENV=production, and announced in the log at start-up): then it attaches a fixed
 * principal, so a benchmark can measure what authentication costs. Every refusal is logged
 * (its reason code, one JSON line) and recorded as an `mcp.request.denied` event before it is
 * answered; neither can change the answer.
 */
@Injectable()
export class McpAccessGuard implements CanActivate {
  constructor(
    @Inject(MCP_SERVER_CONFIG) private readonly config: McpServerConfig,
    @Inject(BearerAuthGuard) private readonly bearer: BearerAuthGuard,
    @Inject(McpAudit) private readonly audit: McpAudit,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    if (this.config.authDisabledForBench) {
      context.switchToHttp().getRequest<{ user?: Principal }>().user = BENCH_PRINCIPAL;
      return true;
    }
    // The bearer guard answers a cached token synchronously; that path stays free of promises.
    try {
      const allowed = this.bearer.canActivate(context);
      return typeof allowed === 'boolean' ? allowed : allowed.catch((err: unknown) => this.refused(context, err));
    } catch (err) {
      return this.refused(context, err);
    }
  }

  private readonly denials = new DeniedRequestLog();

  private async refused(context: ExecutionContext, err: unknown): Promise<never> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const denial = accessDenialOf(request);
    if (denial) {
      try {
        this.denials.record(denial, request.body);
        markRefusalLogged(request);
        await this.audit.requestDenied(denial, request.body);
      } catch {
        // Recording never replaces the refusal the client is owed (McpAudit logs its own failures).
      }
    }
    throw err;
  }
}
