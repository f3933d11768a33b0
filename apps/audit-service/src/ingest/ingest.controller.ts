import { Body, Controller, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EventContractError, parseEvent, PortcullisEvent } from '@portcullis/contracts';
import { InvalidRequest, InvalidToken, secretsEqual } from '@portcullis/oauth';
import { AUDIT_CONFIG, type AuditConfig } from '../config/audit-config';
import { AuditBatcher } from './audit-batcher';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const MAX_EVENTS_PER_REQUEST = 5000;

/**
 * The embedded default (no BROKER_URL): producers' outbox relays POST batches of CloudEvents
 * here. A 200 means every valid event of the batch is committed (idempotently by id), which
 * is what the relay waits for before deleting its outbox rows. Invalid events are reported
 * and dropped — retrying them could never succeed — the equivalent of the dead-letter queue.
 *
 * Callers prove themselves with AUDIT_INGEST_SECRET; without one configured only loopback
 * callers are accepted (everything on one machine, which is what the embedded mode is for).
 */
@Controller('internal')
export class IngestController {
  private readonly logger = new Logger('audit-ingest');

  constructor(
    @Inject(AuditBatcher) private readonly batcher: AuditBatcher,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
  ) {}

  @Post('events')
  @HttpCode(200)
  async ingest(@Req() request: FastifyRequest, @Body() body: unknown) {
    this.authenticate(request);
    const items = Array.isArray(body) ? body : [body];
    if (body === undefined || body === null || items.length > MAX_EVENTS_PER_REQUEST) {
      throw new InvalidRequest(`expected a JSON array of at most ${MAX_EVENTS_PER_REQUEST} CloudEvents`);
    }
    const valid: PortcullisEvent[] = [];
    const rejected: { index: number; error: string }[] = [];
    items.forEach((item, index) => {
      try {
        valid.push(parseEvent(item));
      } catch (err) {
        rejected.push({ index, error: err instanceof EventContractError ? err.message : 'invalid event' });
      }
    });
    if (rejected.length) this.logger.warn(`dropped ${rejected.length} invalid event(s): ${rejected[0].error}`);
    await this.batcher.addMany(valid);
    return { stored: valid.length, rejected };
  }

  private authenticate(request: FastifyRequest): void {
    const secret = this.config.AUDIT_INGEST_SECRET;
    if (!secret) {
      if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) throw new InvalidToken('ingest is open to loopback callers only');
      return;
    }
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!presented || !secretsEqual(presented, secret)) throw new InvalidToken('missing or wrong ingest secret', { 'WWW-Authenticate': 'Bearer realm="audit-ingest"' });
  }
}
