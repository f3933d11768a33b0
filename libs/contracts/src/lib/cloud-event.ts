import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EVENT_DATA_SCHEMAS, EventData } from './event-data.schemas';
import { EventTypeName, isEventType } from './event-types';
import { redactJwtLike } from './secret-field.guard';

/** What a request id (X-Request-Id, the `requestid` attribute) may look like: short, no spaces, no markup. */
export const REQUEST_ID_PATTERN = /^[\w.-]{1,64}$/;

/**
 * The CloudEvents 1.0 envelope in structured JSON mode (CloudEvents spec §3, JSON format
 * §3.1). Only the attributes Portcullis sets are allowed besides extensions we do not use.
 */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.uuid(),
  /** URI-reference naming the producer, e.g. `/portcullis/auth-server`. */
  source: z.string().min(1).max(256),
  type: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2}$/, 'must be <area>.<entity>.<verb>'),
  /** RFC 3339 with an explicit offset. */
  time: z.iso.datetime({ offset: true }),
  subject: z.string().min(1).max(512).optional(),
  datacontenttype: z.literal('application/json'),
  /**
   * Extension attribute (CloudEvents 1.0 §3.1.1: lowercase letters and digits): the id of the
   * HTTP request during which the event was made (`X-Request-Id`), to find its log lines.
   */
  requestid: z.string().regex(REQUEST_ID_PATTERN).optional(),
  data: z.record(z.string(), z.unknown()),
  /**
   * The CloudEvents Distributed Tracing extension: the W3C Trace Context (`traceparent`,
   * `tracestate` headers, Trace Context §3) of the operation that produced the event. A
   * malformed value is dropped, never the event: tracing must not cost an audit record.
   */
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/).optional().catch(undefined),
  tracestate: z.string().max(512).optional().catch(undefined),
});

export type CloudEventEnvelope = z.infer<typeof cloudEventSchema>;

export interface PortcullisEvent<T extends EventTypeName = EventTypeName> extends CloudEventEnvelope {
  type: T;
  data: EventData<T> & Record<string, unknown>;
}

export interface CreateEventOptions {
  source: string;
  subject?: string;
  /** Defaults to now. */
  time?: Date;
  /** Defaults to a random UUID. */
  id?: string;
  /** The Distributed Tracing extension's attributes, when the event is produced inside a trace. */
  traceparent?: string;
  tracestate?: string;
  /** The request being handled, if any: becomes the `requestid` extension attribute. */
  requestId?: string;
}

export class EventContractError extends Error {
  constructor(
    message: string,
    readonly issues: string[] = [],
  ) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message);
    this.name = 'EventContractError';
  }
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/**
 * Builds an event of a known type. Every JWT-shaped substring of the data and of `subject` is
 * replaced by REDACTED first (ARCHITECTURE.md: events never carry a secret; the event itself
 * is kept), then the data is validated against the type's schema (strict: an unknown field is
 * an error, so nothing slips in unreviewed).
 *
 * Of the envelope, only what the caller supplies is validated (each attribute against its own
 * rule in `cloudEventSchema`): `specversion`, `datacontenttype`, a generated `id` and `time`
 * are right by construction, and `type` is one of EVENT_TYPES. This runs for every token and
 * tool call; validating the whole envelope it had just built again, as an object, was a
 * sizeable share of a producer's CPU.
 */
export function createEvent<T extends EventTypeName>(type: T, data: EventData<T>, options: CreateEventOptions): PortcullisEvent<T> {
  if (!isEventType(type)) throw new EventContractError(`unknown event type ${String(type)}`);
  const parsed = EVENT_DATA_SCHEMAS[type].safeParse(redactJwtLike(data));
  if (!parsed.success) throw new EventContractError(`invalid ${type} data`, describeIssues(parsed.error));
  const subject = redactJwtLike(options.subject);
  if (options.id !== undefined) checkAttribute('id', options.id);
  if (options.source !== lastValidSource) {
    checkAttribute('source', options.source);
    lastValidSource = options.source; // a producer has one source: checked once
  }
  const time = (options.time ?? new Date()).toISOString();
  if (options.time !== undefined) checkAttribute('time', time); // a year past 9999 has no RFC 3339 form
  if (subject !== undefined) checkAttribute('subject', subject);
  if (options.requestId !== undefined) checkAttribute('requestid', options.requestId);
  // Attributes in the schema's order, optional ones only when set (absent, not undefined).
  const event: Record<string, unknown> = { specversion: '1.0', id: options.id ?? randomUUID(), source: options.source, type, time };
  if (subject !== undefined) event.subject = subject;
  event.datacontenttype = 'application/json';
  if (options.requestId !== undefined) event.requestid = options.requestId;
  event.data = parsed.data;
  if (options.traceparent !== undefined) event.traceparent = options.traceparent;
  if (options.tracestate !== undefined) event.tracestate = options.tracestate;
  return event as unknown as PortcullisEvent<T>;
}

/** The last `source` createEvent found valid. */
let lastValidSource: string | undefined;

type SuppliedAttribute = 'id' | 'source' | 'time' | 'subject' | 'requestid';

/** One caller-supplied envelope attribute against its rule in the envelope schema. */
function checkAttribute(name: SuppliedAttribute, value: string): void {
  const result = cloudEventSchema.shape[name].safeParse(value);
  if (!result.success) throw new EventContractError('invalid envelope', result.error.issues.map((i) => `${name}: ${i.message}`));
}

/**
 * Validates an event received from the wire (consumer side). Unknown fields inside `data` are
 * tolerated so that a producer may add an optional field before every consumer is upgraded;
 * an unknown type or a missing/ill-typed known field is refused.
 *
 * `data` is validated once, by its type's schema (an object schema: a missing `data`, an array
 * or a scalar fails there), not first as the envelope's generic record: that pass copied every
 * field of every event the audit service consumes before the real check copied them again.
 */
export function parseEvent(value: unknown): PortcullisEvent {
  const envelope = envelopeAttributesSchema.safeParse(value);
  if (!envelope.success) throw new EventContractError('invalid CloudEvent', describeIssues(envelope.error));
  const { type } = envelope.data;
  if (!isEventType(type)) throw new EventContractError(`unknown event type ${type}`);
  const data = looseSchema(type).safeParse((value as { data?: unknown }).data);
  if (!data.success) throw new EventContractError(`invalid ${type} data`, describeIssues(data.error));
  return { ...envelope.data, type, data: data.data } as PortcullisEvent;
}

/** The envelope without `data`, built once. */
const envelopeAttributesSchema = cloudEventSchema.omit({ data: true });

const looseSchemas = new Map<EventTypeName, z.ZodType>();

/** The consumer-side schema of a type, built once: constructing zod schemas is not cheap. */
function looseSchema(type: EventTypeName): z.ZodType {
  let schema = looseSchemas.get(type);
  if (!schema) {
    const strict = EVENT_DATA_SCHEMAS[type] as z.ZodType;
    schema = strict instanceof z.ZodObject ? strict.loose() : strict;
    looseSchemas.set(type, schema);
  }
  return schema;
}

/** parseEvent for raw bytes or text: JSON errors become EventContractError too. */
export function parseEventJson(text: string | Buffer): PortcullisEvent {
  let value: unknown;
  try {
    value = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
  } catch {
    throw new EventContractError('body is not JSON');
  }
  return parseEvent(value);
}
