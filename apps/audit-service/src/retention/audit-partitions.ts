import type { EntityManager } from 'typeorm';

/**
 * Daily range partitions of the PostgreSQL audit table (see PartitionAuditEvents1795829000000).
 * The partition key is `time_ms`, the time the event itself carries: a redelivered event has
 * the same id and the same time, so it meets its first copy in the same partition, and the
 * unique index ("id", "time_ms") — PostgreSQL requires the key in every unique index of a
 * partitioned table — still stores it once. An event whose time is outside every partition
 * (a skewed clock, a forged far past or future) lands in the default partition: never refused.
 */
export const DAY_MS = 86_400_000;
export const AUDIT_TABLE = 'audit_events';
export const DEFAULT_PARTITION = 'audit_events_default';
const PARTITION_NAME = /^audit_events_p(\d{8})$/;

/** Serialises partition maintenance between replicas sharing one database. */
const PARTITION_LOCK_KEY = 0x61756470; // "audp"

export function dayStart(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** `audit_events_p20261128` for the UTC day starting at `startMs`. */
export function partitionName(startMs: number): string {
  return `audit_events_p${new Date(startMs).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The UTC day a partition covers, from its name; undefined for a table that is not one. */
export function partitionDay(name: string): number | undefined {
  const m = PARTITION_NAME.exec(name);
  if (!m) return undefined;
  const [, d] = m;
  return Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
}

/** The daily partitions that exist, oldest first. */
export async function listPartitions(manager: EntityManager): Promise<{ name: string; day: number }[]> {
  const rows: { name: string }[] = await manager.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass`,
    [AUDIT_TABLE],
  );
  return rows
    .map((r) => ({ name: r.name, day: partitionDay(r.name) }))
    .filter((p): p is { name: string; day: number } => p.day !== undefined)
    .sort((a, b) => a.day - b.day);
}

/**
 * Creates the partition of the day starting at `startMs` unless it exists. Rows of that day
 * already in the default partition (events that came in before their day's partition) move
 * into it in the same transaction: PostgreSQL refuses to attach a range the default still holds.
 * Returns whether it created one. Call inside a transaction (see `withPartitionLock`).
 */
export async function ensureDayPartition(manager: EntityManager, startMs: number): Promise<boolean> {
  const name = partitionName(startMs);
  const [{ exists }] = await manager.query('SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
  if (exists) return false;
  const end = startMs + DAY_MS;
  // Inserts into the default partition wait for this short transaction, so no row of the day
  // can slip in between the move and the attach.
  await manager.query(`LOCK TABLE "${DEFAULT_PARTITION}" IN SHARE ROW EXCLUSIVE MODE`);
  await manager.query(`CREATE TABLE "${name}" (LIKE "${AUDIT_TABLE}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await manager.query(
    `WITH moved AS (DELETE FROM "${DEFAULT_PARTITION}" WHERE "time_ms" >= $1 AND "time_ms" < $2 RETURNING *) INSERT INTO "${name}" SELECT * FROM moved`,
    [startMs, end],
  );
  // Attaching builds the partitioned indexes on the new table.
  await manager.query(`ALTER TABLE "${AUDIT_TABLE}" ATTACH PARTITION "${name}" FOR VALUES FROM (${startMs}) TO (${end})`);
  return true;
}

/**
 * Runs `work` in one transaction holding the maintenance lock, or not at all when another
 * replica holds it (it is doing the same work). A lock_timeout keeps DDL from queueing behind a
 * long query and stalling every insert behind it: the next scheduled round tries again.
 */
export async function withPartitionLock<T>(manager: EntityManager, work: (m: EntityManager) => Promise<T>): Promise<T | undefined> {
  return manager.transaction(async (tx) => {
    const [{ locked }] = await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [PARTITION_LOCK_KEY]);
    if (!locked) return undefined;
    await tx.query("SET LOCAL lock_timeout = '5s'");
    return work(tx);
  });
}
