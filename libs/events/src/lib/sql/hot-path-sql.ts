import type { DataSource } from 'typeorm';

/** What a pg client answers (the subset used here). */
export interface PgClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<PgResult>;
  /** Text without parameters goes by the simple protocol: several statements, one round trip, one result each. */
  query(text: string): Promise<PgResult | PgResult[]>;
}

export interface PgResult {
  rows: Record<string, unknown>[];
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
 * PostgreSQL: on a connection of TypeORM's own pool, checked out through the public query
 * runner API (`QueryRunner.connect()` hands back the driver's connection), and sent as a
 * named prepared statement — parsed and planned once per connection rather than on every
 * call, and without TypeORM's per-query work (logger, subscriber broadcast, result mapping),
 * which on these paths cost more CPU than the statements themselves. Elsewhere (SQLite, in
 * process): through TypeORM, with the `$n` placeholders rewritten to positional `?`.
 */
export class HotPathSql {
  private readonly sqliteForms = new Map<string, { text: string; order: number[] }>();

  constructor(private readonly dataSource: DataSource) {}

  get isPostgres(): boolean {
    return this.dataSource.options.type === 'postgres';
  }

  /** Runs the statement (its own transaction) and returns the rows it returned. */
  async rows<T = Record<string, unknown>>(statement: HotStatement, values: readonly unknown[]): Promise<T[]> {
    if (this.isPostgres) return this.onPgConnection<T>(statement, values);
    const form = this.sqliteForm(statement);
    const rows: unknown = await this.dataSource.query(
      form.text,
      form.order.map((n) => toSqlite(values[n - 1])),
    );
    return Array.isArray(rows) ? (rows as T[]) : [];
  }

  private async onPgConnection<T>(statement: HotStatement, values: readonly unknown[]): Promise<T[]> {
    const result = await this.withPgClient((client) => client.query({ name: statement.name, text: statement.text, values: [...values] }));
    return result.rows as T[];
  }

  /** PostgreSQL only: runs `work` on a connection of TypeORM's pool, released afterwards. */
  async withPgClient<T>(work: (client: PgClient) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    try {
      return await work((await runner.connect()) as PgClient);
    } finally {
      await runner.release();
    }
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
