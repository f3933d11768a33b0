export * from './lib/outbox/outbox-event.entity';
export * from './lib/outbox/create-event-outbox.migration';
export * from './lib/outbox/event-outbox-id-not-unique.migration';
export * from './lib/outbox/outbox.store';
export * from './lib/outbox/outbox-statement';
export * from './lib/sql/hot-path-sql';
export * from './lib/group/group-writer';
export * from './lib/relay/outbox.relay';
export * from './lib/transport/event-transport';
export * from './lib/transport/amqp.transport';
export * from './lib/transport/http-ingest.transport';
export * from './lib/revocation/revocation.listener';
export * from './lib/revocation/revocation-listener.factory';
export * from './lib/audit-events';
export * from './lib/events.module';

import { OutboxEventEntity } from './lib/outbox/outbox-event.entity';
import { CreateEventOutbox1767000000000 } from './lib/outbox/create-event-outbox.migration';
import { EventOutboxIdNotUnique1795690000000 } from './lib/outbox/event-outbox-id-not-unique.migration';

/** Add to the app's TypeORM `entities`. */
export const EVENTS_ENTITIES = [OutboxEventEntity];
/** Add to the app's TypeORM `migrations` (run on start). */
export const EVENTS_MIGRATIONS = [CreateEventOutbox1767000000000, EventOutboxIdNotUnique1795690000000];
export * from './lib/service-settings';
export * from './lib/emit-withholding';
