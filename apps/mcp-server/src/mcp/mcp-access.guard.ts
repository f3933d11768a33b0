import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { BearerAuthGuard, type Principal } from '@portcullis/resource-server';
import { scopesForResource } from '@portcullis/scopes';
import { MCP_SERVER_CONFIG, type McpServerConfig } from '../config/mcp-server.config';

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
 * principal, so a benchmark can measure what authentication costs.
 */
@Injectable()
export class McpAccessGuard implements CanActivate {
  constructor(
    @Inject(MCP_SERVER_CONFIG) private readonly config: McpServerConfig,
    @Inject(BearerAuthGuard) private readonly bearer: BearerAuthGuard,
  ) {}

  canActivate(context: ExecutionContext): Promise<boolean> | boolean {
    if (this.config.authDisabledForBench) {
      context.switchToHttp().getRequest<{ user?: Principal }>().user = BENCH_PRINCIPAL;
      return true;
    }
    return this.bearer.canActivate(context);
  }
}
