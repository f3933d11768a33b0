import type { DataSource } from 'typeorm';

/** What the pg driver's pool answers (the subset used here). */
interface PgPool {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Record<string, unknown>[] }>;
}

/** A statement on the hot path, named so PostgreSQL can keep it prepared per connection. */
export interface HotStatement {
  /** Unique per distinct text: the name of the server-side prepared statement. */
  name: string;
  /** SQL with `$1…$n` placeholders. */
  text: string;
}

/**
 * Runs the few statements that every token or every event pays for (a code consumed, a token
 * recorded, a group of events written) with as little client work as possible.
 *
 * PostgreSQL: straight on the pg pool TypeORM created, as named prepared statements — parsed
 * and planned once per connection rather than on every call, and without TypeORM's query
 * runner round (pool checkout, logger, subscriber broadcast), which on these paths cost more
 * CPU than the statements themselves. Elsewhere (SQLite, in process): through TypeORM, with
 * the `$n` placeholders rewritten to positional `?`.
 */
export class HotPathSql {
  private readonly pool: PgPool | undefined;
  private readonly sqliteForms = new Map<string, { text: string; order: number[] }>();

  constructor(private readonly dataSource: DataSource) {
    // TypeORM's PostgresDriver keeps its pg.Pool as `master` (no read replicas are configured).
    this.pool = dataSource.options.type === 'postgres' ? (dataSource.driver as unknown as { master: PgPool }).master : undefined;
  }

  get isPostgres(): boolean {
    return this.pool !== undefined;
  }

  /** Runs the statement (its own transaction) and returns the rows it returned. */
  async rows<T = Record<string, unknown>>(statement: HotStatement, values: readonly unknown[]): Promise<T[]> {
    if (this.pool) {
      const result = await this.pool.query({ name: statement.name, text: statement.text, values: [...values] });
      return result.rows as T[];
    }
    const form = this.sqliteForm(statement);
    const rows: unknown = await this.dataSource.query(
      form.text,
      form.order.map((n) => toSqlite(values[n - 1])),
    );
    return Array.isArray(rows) ? (rows as T[]) : [];
  }

  private sqliteForm(statement: HotStatement): { text: string; order: number[] } {
    let form = this.sqliteForms.get(statement.name);
    if (!form) {
      const order = [...statement.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
      form = { text: statement.text.replace(/\$\d+/g, '?'), order };
      this.sqliteForms.set(statement.name, form);
    }
    return form;
  }
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans are 0/1 there. */
function toSqlite(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value ?? null;
}
