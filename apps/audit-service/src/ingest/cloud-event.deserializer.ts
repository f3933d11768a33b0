import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';

/**
 * Nest's RMQ transport expects `{ pattern, data }` bodies; ours are CloudEvents. Every
 * message becomes an event (no `id`, so no reply is attempted) for AUDIT_EVENT_PATTERN, with
 * what the transport read from it as data: the parsed JSON, or the raw text when it was not
 * JSON (the transport parses every message before this runs; parsing it again in the handler
 * cost as much as the rest of the handler). A message that is not even JSON must reach the
 * handler too, to be dead-lettered.
 */
export class CloudEventDeserializer implements ConsumerDeserializer {
  constructor(private readonly pattern: object) {}

  deserialize(value: unknown): IncomingEvent {
    return { pattern: this.pattern, data: value };
  }
}
