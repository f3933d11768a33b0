import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AUDIT_TABLE, DAY_MS, DEFAULT_PARTITION, dayStart, ensureDayPartition, listPartitions, withPartitionLock } from './audit-partitions';

export interface AuditRetentionOptions {
  /** Keep events whose time is at most this many days old; undefined keeps everything. */
  retentionDays?: number;
  /** Daily partitions created ahead of today (PostgreSQL). */
  aheadDays?: number;
  /** Time between two maintenance rounds. */
  intervalMs?: number;
  /** Rows per DELETE when rows are deleted rather than partitions dropped. */
  deleteBatch?: number;
}

export interface MaintenanceRound {
  created: string[];
  dropped: string[];
  deleted: number;
}

/**
 * Keeps the audit table's shape and size: on PostgreSQL creates the coming days' partitions
 * and, with a retention, drops the partitions wholly older than it (a DROP is instant and
 * leaves no bloat, unlike deleting millions of rows) and deletes the old rows of the default
 * partition; on SQLite deletes old rows in small batches, so the single writer (the consumer)
 * is never held up for long. Runs at start and then on a schedule, on every replica: the
 * partition work is serialised by an advisory lock and idempotent.
 */
export class AuditRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('audit-retention');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: AuditRetentionOptions = {},
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runLogged();
    this.timer = setInterval(() => void this.runLogged(), this.options.intervalMs ?? 3_600_000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round, as of `now`. */
  async run(now = Date.now()): Promise<MaintenanceRound> {
    const round: MaintenanceRound = { created: [], dropped: [], deleted: 0 };
    const cutoff = this.options.retentionDays === undefined ? undefined : now - this.options.retentionDays * DAY_MS;
    if (this.dataSource.options.type !== 'postgres') {
      if (cutoff !== undefined) round.deleted = await this.deleteOlder(AUDIT_TABLE, 'seq', cutoff);
      return round;
    }
    const today = dayStart(now);
    for (let day = 0; day <= (this.options.aheadDays ?? 3); day++) {
      const start = today + day * DAY_MS;
      const created = await withPartitionLock(this.dataSource.manager, (tx) => ensureDayPartition(tx, start));
      if (created) round.created.push(new Date(start).toISOString().slice(0, 10));
    }
    if (cutoff === undefined) return round;
    await withPartitionLock(this.dataSource.manager, async (tx) => {
      for (const p of await listPartitions(tx)) {
        if (p.day + DAY_MS > cutoff) break;
        await tx.query(`DROP TABLE "${p.name}"`);
        round.dropped.push(p.name);
      }
    });
    round.deleted = await this.deleteOlder(DEFAULT_PARTITION, 'ctid', cutoff);
    return round;
  }

  private async runLogged(): Promise<void> {
    if (this.running) return;
    this.running = this.run()
      .then((r) => {
        if (r.created.length) this.logger.log(`created audit partitions for ${r.created.join(', ')}`);
        if (r.dropped.length || r.deleted) this.logger.log(`retention: dropped ${r.dropped.length} partition(s), deleted ${r.deleted} row(s) older than ${this.options.retentionDays} days`);
      })
      .catch((err) => this.logger.warn(`audit maintenance failed, retried in the next round: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => (this.running = undefined));
    await this.running;
  }

  /** Deletes rows with time_ms < cutoff, a batch per statement; returns how many. */
  private async deleteOlder(table: string, key: 'seq' | 'ctid', cutoff: number): Promise<number> {
    const batch = this.options.deleteBatch ?? 5000;
    const p = this.dataSource.options.type === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const runner = this.dataSource.createQueryRunner();
    let total = 0;
    try {
      for (;;) {
        const result = await runner.query(`DELETE FROM "${table}" WHERE ${key} IN (SELECT ${key} FROM "${table}" WHERE "time_ms" < ${p[0]} LIMIT ${p[1]})`, [cutoff, batch], true);
        const affected = Number(result.affected ?? 0);
        total += affected;
        if (affected < batch) return total;
      }
    } finally {
      await runner.release();
    }
  }
}
