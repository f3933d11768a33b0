import { declareCounter } from '@portcullis/metrics';

/** Broker messages the consumer settled, by outcome: stored (acked after commit), dead_lettered, requeued (storage failed). */
export const consumedMessages = declareCounter({
  name: 'portcullis_audit_consumed_messages_total',
  help: 'Messages the audit consumer settled, by outcome: stored (acked after its batch committed), dead_lettered (not a valid event), requeued (storage failed).',
  labelNames: ['outcome'],
});

/** Events in committed batches (broker and embedded ingest alike); a redelivered duplicate is counted again but stored once. */
export const storedEvents = declareCounter({
  name: 'portcullis_audit_stored_events_total',
  help: 'Audit events in committed batches (the store ignores a duplicate id, so a redelivery is counted but stored once).',
});
