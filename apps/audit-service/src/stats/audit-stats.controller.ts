import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { BearerAuthGuard, RequireScopes } from '@portcullis/resource-server';
import { Scope } from '@portcullis/scopes';
import { parseStatsWindow } from './audit-stats.schema';
import { AuditStatsStore } from './audit-stats.store';

/**
 * Counts for the console's dashboard, behind the same guard as the query API: a token for
 * this resource (RFC 8707) carrying `audit:read`.
 */
@Controller('audit')
@UseGuards(BearerAuthGuard)
@RequireScopes(Scope.AuditRead)
export class AuditStatsController {
  constructor(@Inject(AuditStatsStore) private readonly stats: AuditStatsStore) {}

  /** GET /audit/stats?from=&to=&bucket_seconds= → per bucket: tokens, denials, tool calls, pipeline lag. */
  @Get('stats')
  async get(@Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const window = parseStatsWindow(query);
    reply.header('cache-control', 'no-store');
    return this.stats.stats(window);
  }
}
