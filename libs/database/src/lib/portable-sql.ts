import type { DataSource, EntityManager } from 'typeorm';

/*
 * SQL written once for both engines: PostgreSQL and SQLite (>= 3.35) share INSERT … ON CONFLICT,
 * RETURNING and DELETE … IN (SELECT … LIMIT); only the bind-parameter syntax differs.
 */

const isPostgres = (db: DataSource | EntityManager) => ('options' in db ? db.options : db.connection.options).type === 'postgres';

/** The n-th (1-based) bind parameter in this engine's syntax. */
export function placeholder(db: DataSource | EntityManager, n: number): string {
  return isPostgres(db) ? `$${n}` : '?';
}

/**
 * Runs `sql` written with PostgreSQL's numbered placeholders (`$1`, which may repeat and come in
 * any order). SQLite gets a plain `?` per appearance, with the parameters laid out to match.
 */
export function queryNumbered<T>(db: DataSource | EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  if (isPostgres(db)) return db.query(sql, params);
  const ordered: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    ordered.push(params[Number(n) - 1]);
    return '?';
  });
  return db.query(text, ordered);
}
