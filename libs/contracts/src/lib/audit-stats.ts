/**
 * The answer of the audit service's `GET /audit/stats` (docs/events.md, "Query API"): written
 * by the audit service's stats store, read by the console's dashboard. Types only, so that a
 * browser bundle importing them (`import type`) takes no code from this library.
 */
export interface AuditStatsBucket {
  /** Start of the bucket, ISO 8601; the bucket is [start, start + bucket_seconds). */
  start: string;
  /** `auth.token.issued` by grant type, `auth.token.refreshed` counted as `refresh_token`. */
  tokens_issued: { grant_type: string; count: number }[];
  /** Refusals by event type and reason (mcp.request.denied's reason, the OAuth error of the others). */
  denials: { type: string; reason: string; count: number }[];
  tool_calls: { tool: string; outcome: string; count: number }[];
  /** Stored time minus event time over the bucket's events, nearest-rank percentiles; null when empty. */
  pipeline_lag_ms: { p50: number; p95: number; events: number } | null;
}

export interface AuditStats {
  /** [from, to), ISO 8601. */
  from: string;
  to: string;
  bucket_seconds: number;
  buckets: AuditStatsBucket[];
}
