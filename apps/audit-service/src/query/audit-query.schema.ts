import { z } from 'zod';
import { REQUEST_ID_PATTERN } from '@portcullis/contracts';
import { InvalidRequest } from '@portcullis/oauth';
import type { AuditEventFilter, Cursor } from '../events/audit-event.store';

const typeName = z.string().regex(/^[a-z0-9_.]+\*?$/, 'letters, digits, "_" and "." with an optional trailing "*"').max(128);
/** A W3C trace id (Trace Context §3.2.2.3): 32 lowercase hex digits, not all zero. */
const traceId = z
  .string()
  .regex(/^[0-9a-f]{32}$/, 'a W3C trace id: 32 lowercase hex digits')
  .refine((v) => !/^0+$/.test(v), 'the all-zero trace id is invalid');
/** The X-Request-Id of the request that made the events (the `requestid` attribute). */
const requestId = z.string().regex(REQUEST_ID_PATTERN, 'letters, digits, "_", "." and "-", at most 64');
const instant = z.iso.datetime({ offset: true }).transform((v) => Date.parse(v));

/** Query parameters of GET /audit/events (snake_case on the wire). */
export const listQuerySchema = z
  .strictObject({
    /** Exact type, or a prefix ending in `*` (`auth.*`, `auth.token.*`). */
    type: typeName.optional(),
    type_prefix: z.string().regex(/^[a-z0-9_.]+$/).max(128).optional(),
    subject: z.string().min(1).max(512).optional(),
    client_id: z.string().min(1).max(2048).optional(),
    trace_id: traceId.optional(),
    request_id: requestId.optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: z.string().max(200).optional(),
  })
  .refine((q) => !(q.type && q.type_prefix), 'give type or type_prefix, not both')
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, '`from` must be before `to`');

export const exportQuerySchema = z
  .strictObject({
    type: typeName.optional(),
    type_prefix: z.string().regex(/^[a-z0-9_.]+$/).max(128).optional(),
    subject: z.string().min(1).max(512).optional(),
    client_id: z.string().min(1).max(2048).optional(),
    trace_id: traceId.optional(),
    request_id: requestId.optional(),
    from: instant,
    to: instant,
  })
  .refine((q) => !(q.type && q.type_prefix), 'give type or type_prefix, not both')
  .refine((q) => q.from < q.to, '`from` must be before `to`');

/** Parses query parameters or throws invalid_request naming the first bad one. */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new InvalidRequest(`${where}${issue.message}`);
}

export function toFilter(q: { type?: string; type_prefix?: string; subject?: string; client_id?: string; trace_id?: string; request_id?: string; from?: number; to?: number }): AuditEventFilter {
  const prefix = q.type_prefix ?? (q.type?.endsWith('*') ? q.type.slice(0, -1) : undefined);
  return {
    type: q.type && !q.type.endsWith('*') ? q.type : undefined,
    typePrefix: prefix || undefined,
    subject: q.subject,
    clientId: q.client_id,
    traceId: q.trace_id,
    requestId: q.request_id,
    fromMs: q.from,
    toMs: q.to,
  };
}

/** Cursors are opaque to clients: base64url of "<time_ms>.<seq>". */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.timeMs}.${cursor.seq}`).toString('base64url');
}

export function decodeCursor(value: string): Cursor {
  const m = /^(\d{1,16})\.(\d{1,19})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!m) throw new InvalidRequest('cursor: not a cursor this API returned');
  return { timeMs: Number(m[1]), seq: Number(m[2]) };
}
