import { Controller, Get, Inject, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { BearerAuthGuard, RequireScopes } from '@portcullis/resource-server';
import { Scope } from '@portcullis/scopes';
import { AuditEventStore } from '../events/audit-event.store';
import { decodeCursor, encodeCursor, exportQuerySchema, listQuerySchema, parseQuery, toFilter } from './audit-query.schema';

/**
 * The query API, itself an OAuth-protected resource: a token whose audience is this
 * resource (RFC 8707) and that carries `audit:read`.
 */
@Controller('audit')
@UseGuards(BearerAuthGuard)
@RequireScopes(Scope.AuditRead)
export class AuditQueryController {
  constructor(@Inject(AuditEventStore) private readonly store: AuditEventStore) {}

  /** Newest first; pass `next_cursor` back as `cursor` for the next page. */
  @Get('events')
  async list(@Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const q = parseQuery(listQuerySchema, query);
    const page = await this.store.page(toFilter(q), q.limit, q.cursor ? decodeCursor(q.cursor) : undefined);
    reply.header('cache-control', 'no-store');
    return { events: page.events, next_cursor: page.next ? encodeCursor(page.next) : null };
  }

  /** Every matching event of [from, to), oldest first, one CloudEvent per line. */
  @Get('events/export')
  async export(@Query() query: unknown, @Res() reply: FastifyReply) {
    const q = parseQuery(exportQuerySchema, query);
    const store = this.store;
    const lines = Readable.from(
      (async function* () {
        for await (const event of store.stream(toFilter(q))) yield `${event}\n`;
      })(),
    );
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="audit-${new Date(q.from).toISOString()}.ndjson"`)
      .type('application/x-ndjson')
      .send(lines);
  }
}
