/**
 * Names on the broker that producers, the audit service and outside consumers share.
 * The exchange is a durable topic exchange; the routing key of every message is its event type.
 */
export const EVENTS_EXCHANGE = 'portcullis.events';
export const EVENTS_EXCHANGE_TYPE = 'topic';
export const EVENTS_EXCHANGE_OPTIONS = { durable: true } as const;

/** The audit service's own durable queue, bound to every routing key (`#`). */
export const AUDIT_QUEUE = 'portcullis.audit';
/** Where the audit queue dead-letters messages it cannot store (bad JSON, failing schema). */
export const AUDIT_DEAD_LETTER_EXCHANGE = 'portcullis.audit.dead';
export const AUDIT_DEAD_LETTER_QUEUE = 'portcullis.audit.dead';

/** CloudEvents 1.0 structured content mode over AMQP (CloudEvents AMQP binding §3.2). */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
