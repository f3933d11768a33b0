import { QueryFailedError } from 'typeorm';
import { CliInputError, CliUsageError } from './cli-command';

/** Connection failures as node, pg and better-sqlite3 name them. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'SQLITE_CANTOPEN']);
/** The SQLite file's directory cannot be made or written (SQLITE_PATH). */
const FILE_CODES = new Set(['ENOENT', 'EACCES', 'EROFS', 'ENOTDIR', 'EEXIST', 'EPERM']);
/** PostgreSQL SQLSTATEs that mean "you cannot use this database": bad login, missing database, refused. */
const UNUSABLE_SQLSTATES = new Set(['28000', '28P01', '3D000', '57P03', '53300']);
/** Unique violations: pg 23505, SQLite's constraint codes. */
const DUPLICATE_CODES = new Set(['23505', 'SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);

/**
 * One line for an operator, whatever went wrong: the mistake in their words, never a raw
 * database error, a stack trace, or the DATABASE_URL (it may carry a password). The status is
 * 2 for a usage mistake, 1 otherwise.
 */
export function describeCliError(err: unknown, usage: string | undefined): { line: string; status: number } {
  if (err instanceof CliUsageError) return { line: `${err.message} (usage: ${usage ?? 'run without arguments for the list of commands'})`, status: 2 };
  if (err instanceof CliInputError) return { line: err.message, status: 1 };
  const code = errorCode(err);
  if (code && UNREACHABLE_CODES.has(code)) return { line: `cannot reach the database (${code}): check DATABASE_URL / SQLITE_PATH and that it is running`, status: 1 };
  if (code && FILE_CODES.has(code)) return { line: `cannot open the database file (${code}): check SQLITE_PATH`, status: 1 };
  if (code && UNUSABLE_SQLSTATES.has(code)) return { line: `the database refused the connection (SQLSTATE ${code}): check DATABASE_URL`, status: 1 };
  if (err instanceof QueryFailedError) {
    if (code && DUPLICATE_CODES.has(code)) return { line: 'it already exists (the database refused a duplicate)', status: 1 };
    return { line: `the database refused the command${code ? ` (${code})` : ''}`, status: 1 };
  }
  return { line: firstLine(err instanceof Error ? err.message : String(err)), status: 1 };
}

/** The driver's code: node's errno, pg's SQLSTATE, better-sqlite3's code; from the error or the one it wraps. */
function errorCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; driverError?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string') return e.code;
    // An AggregateError (every address of a host refused) carries its causes in `errors`.
    const inner = (e as { errors?: unknown[] }).errors?.[0];
    e = (e.driverError ?? e.cause ?? inner) as typeof e;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0].trim() || 'failed';
}
