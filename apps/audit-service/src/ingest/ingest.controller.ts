import { Body, Controller, HttpCode, Inject, Logger, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { EventContractError, parseEvent, PortcullisEvent } from '@portcullis/contracts';
import { AccessDenied, InvalidRequest, InvalidToken } from '@portcullis/oauth';
import { consumeTraced } from '@portcullis/tracing';
import { AuditBatcher } from './audit-batcher';
import { ingestProducerOf } from './ingest-route';

const MAX_EVENTS_PER_REQUEST = 5000;

/**
 * The embedded default (no BROKER_URL): producers' outbox relays POST batches of CloudEvents
 * here. A 200 means every valid event of the batch is committed (idempotently by id), which
 * is what the relay waits for before deleting its outbox rows. Invalid events are reported
 * and dropped — retrying them could never succeed — the equivalent of the dead-letter queue.
 *
 * The caller was authenticated as one producer before its body was read (ingest-route.ts).
 * An event whose `source` is not that producer's refuses the whole batch with 403 and stores
 * none of it: it is a forgery or a misconfiguration, and in the second case the producer's
 * outbox keeps the events until the binding is fixed, instead of losing them.
 */
@Controller('internal')
export class IngestController {
  private readonly logger = new Logger('audit-ingest');

  constructor(@Inject(AuditBatcher) private readonly batcher: AuditBatcher) {}

  @Post('events')
  @HttpCode(200)
  async ingest(@Req() request: FastifyRequest, @Body() body: unknown) {
    const producer = ingestProducerOf(request);
    // Unreachable while the route's onRequest hook is in place; refuses if it ever is not.
    if (!producer) throw new InvalidToken('missing or unknown producer credential');
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
    const foreign = valid.find((event) => !producer.sources.has(event.source));
    if (foreign) {
      this.logger.warn(`refused a batch from producer ${producer.name}: it carries source ${JSON.stringify(foreign.source.slice(0, 200))}`);
      throw new AccessDenied(`this producer may not send events with source ${JSON.stringify(foreign.source.slice(0, 200))}`);
    }
    if (rejected.length) this.logger.warn(`dropped ${rejected.length} invalid event(s) from ${producer.name}: ${rejected[0].error}`);
    // Traced: one consumer span per event, child of the trace it carries (libs/tracing).
    await consumeTraced(valid, 'http', () => this.batcher.addMany(valid));
    return { stored: valid.length, rejected };
  }
}
