/**
 * Recognises the errors that mean "a dependency (the database) cannot be reached right now",
 * as opposed to a bug: the request may succeed if retried shortly, so the answer is 503 with
 * Retry-After (RFC 9110 §15.6.4, §10.2.3), never 500.
 */

/**
 * PostgreSQL SQLSTATEs (Appendix A of its manual): 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections; and the whole class
 * 08, connection exceptions.
 */
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300']);
const POSTGRES_CONNECTION_CLASS = /^08[0-9A-Z]{3}$/;

/** Socket errors of a connection to the database (Node's `err.code`). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/** SQLite: the file is locked by another connection beyond busy_timeout. */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

/**
 * node-postgres and pg-pool report a lost or impossible connection by message only (no
 * code); TypeORM copies the message into its QueryFailedError.
 */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /Client was closed and is not queryable/i,
  /Cannot use a pool after calling end on the pool/i,
];

/** TypeORM's own errors for a data source that has no connection. */
const TYPEORM_UNAVAILABLE = new Set(['ConnectionIsNotSetError', 'CannotExecuteNotConnectedError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
  errors?: unknown;
}

export function isDependencyUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as ErrorLike;
  if (typeof e.code === 'string') {
    if (POSTGRES_UNAVAILABLE.has(e.code) || POSTGRES_CONNECTION_CLASS.test(e.code)) return true;
    if (NETWORK_CODES.has(e.code) || SQLITE_CODES.has(e.code)) return true;
  }
  if (typeof e.name === 'string' && TYPEORM_UNAVAILABLE.has(e.name)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.some((m) => m.test(e.message as string))) return true;
  // TypeORM wraps the driver's error; Node wraps the errors of each address it tried.
  const inner = [e.driverError, e.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return inner.some((i) => i !== error && isDependencyUnavailable(i, depth + 1));
}

/** What a client is told when the database is away, and the retry hint it gets. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 5;

/** A short, secret-free name for the cause, for the log line. */
export function unavailableReason(error: unknown): string {
  const e = (error ?? {}) as ErrorLike;
  const driver = (e.driverError ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : typeof driver.code === 'string' ? driver.code : undefined;
  if (code) return code;
  return typeof e.message === 'string' ? e.message.slice(0, 120) : 'unknown';
}
