import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';

/**
 * Nest's RMQ transport expects `{ pattern, data }` bodies; ours are CloudEvents. Every
 * message becomes an event (no `id`, so no reply is attempted) for AUDIT_EVENT_PATTERN, and
 * the handler reads the raw bytes from the context to validate them itself: a message that
 * is not even JSON must reach the handler too, to be dead-lettered.
 */
export class CloudEventDeserializer implements ConsumerDeserializer {
  constructor(private readonly pattern: string) {}

  deserialize(): IncomingEvent {
    return { pattern: this.pattern, data: null };
  }
}
