import type { DataSource } from 'typeorm';
import type { PurgeTask } from './purge-task';

/**
 * The PostgreSQL advisory lock one purge round holds, so replicas sharing a database take turns
 * instead of deleting the same rows side by side (advisory locks are per database: each
 * service's database has its own). Named like the start-up lock (startup-lock.ts).
 */
const PURGE_LOCK = `hashtextextended('portcullis.purge', 0)`;

/** Rows deleted per statement unless configured: short transactions, bounded WAL per commit. */
export const DEFAULT_PURGE_BATCH_SIZE = 1000;

/** Rows deleted by one round, by task name (only tasks that deleted something). */
export type PurgeCounts = Record<string, number>;

export interface PurgerOptions {
  batchSize?: number;
}

/**
 * Runs every declared {@link PurgeTask}, each in bounded batches until it has nothing left. On
 * PostgreSQL one replica at a time: a round that finds the lock taken does nothing (the
 * replica holding it is doing the same work). An SQLite file belongs to one process.
 */
export class Purger {
  private readonly batchSize: number;

  constructor(
    private readonly db: DataSource,
    private readonly tasks: readonly PurgeTask[],
    options: PurgerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_PURGE_BATCH_SIZE;
  }

  /** One round as of `now`: the counts, or undefined when another replica's round is running. */
  async purge(now = Date.now()): Promise<PurgeCounts | undefined> {
    if (this.db.options.type !== 'postgres') return this.runTasks(now);
    // A session-level lock lives on one connection: take it, and give it back, on the same one.
    const runner = this.db.createQueryRunner();
    try {
      const [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock(${PURGE_LOCK}) AS locked`)) as [{ locked: boolean }];
      if (!locked) return undefined;
      try {
        return await this.runTasks(now);
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(${PURGE_LOCK})`);
      }
    } finally {
      await runner.release();
    }
  }

  private async runTasks(now: number): Promise<PurgeCounts> {
    const counts: PurgeCounts = {};
    for (const task of this.tasks) {
      let total = 0;
      for (;;) {
        const deleted = await task.purgeBatch(this.db, now, this.batchSize);
        total += deleted;
        if (deleted < this.batchSize) break;
      }
      if (total > 0) counts[task.name] = (counts[task.name] ?? 0) + total;
    }
    return counts;
  }
}
