import type { DataSource, EntityManager } from 'typeorm';
import { placeholder } from '../portable-sql';

/**
 * One kind of row a store lets go of, declared beside the store that owns the table (its
 * feature folder): what is safe to delete is the store's knowledge, not the scheduler's. The
 * Purger runs every declared task; a new table joins by declaring its own.
 */
export interface PurgeTask {
  /** What the count in the purge log names, e.g. `access_tokens`. */
  name: string;
  /**
   * Deletes at most `batchSize` rows that no rule needs any more as of `now` (epoch ms), in one
   * statement (a short transaction, so writers are never held up long), and returns how many
   * went. The Purger calls it again while it returns a full batch.
   */
  purgeBatch(db: DataSource, now: number, batchSize: number): Promise<number>;
}

/**
 * The common task: rows of `table` whose `expiresColumn` (epoch ms) is at or before now,
 * deleted by primary key in bounded batches. The expiry column should be indexed, so a batch
 * finds its rows without reading the table.
 */
export function expiredRows(table: string, keyColumn: string, expiresColumn = 'expires_at'): PurgeTask {
  return {
    name: table,
    purgeBatch: (db, now, batchSize) =>
      deleteBatch(
        db,
        table,
        keyColumn,
        `SELECT "${keyColumn}" FROM "${table}" WHERE "${expiresColumn}" <= ${placeholder(db, 1)} LIMIT ${placeholder(db, 2)}`,
        [now, batchSize],
      ),
  };
}

/**
 * Deletes the rows of `table` whose `keyColumn` the `select` statement names (it bounds itself
 * with LIMIT), and returns how many went. The same SQL on PostgreSQL and SQLite; only the
 * placeholders differ ({@link placeholder}).
 */
export function deleteBatch(db: DataSource | EntityManager, table: string, keyColumn: string, select: string, parameters: unknown[]): Promise<number> {
  return deleteRows(db, `DELETE FROM "${table}" WHERE "${keyColumn}" IN (${select})`, parameters);
}

/** Runs a DELETE and returns how many rows it deleted (pg's rowCount, SQLite's changes). */
export async function deleteRows(db: DataSource | EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  // Only a query runner gives the structured result (DataSource.query returns pg's raw rows).
  const inTransaction = 'queryRunner' in db ? db.queryRunner : undefined;
  const runner = inTransaction ?? ('createQueryRunner' in db ? db.createQueryRunner() : db.connection.createQueryRunner());
  try {
    const result = await runner.query(sql, parameters, true);
    return result.affected ?? 0;
  } finally {
    if (!inTransaction) await runner.release();
  }
}
