import { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_TABLE, DAY_MS, DEFAULT_PARTITION, dayStart, ensureDayPartition } from '../../retention/audit-partitions';

const OLD_TABLE = 'audit_events_unpartitioned';

/**
 * PostgreSQL: turns `audit_events` into a table partitioned by day on `time_ms`, keeping every
 * row, so retention drops whole partitions instead of deleting rows (retention/audit-retention).
 * - `seq` stays (same sequence) but is no longer the primary key: a key of a partitioned table
 *   must contain the partition key, and nothing refers to seq by itself.
 * - Idempotency: UNIQUE ("id", "time_ms") — a redelivered event carries its time again, so it
 *   lands in its first copy's partition and is skipped (audit-partitions.ts says more).
 * - A default partition takes any time no daily partition covers; nothing is ever refused.
 * The copy is one INSERT … SELECT: on a large existing table, run it in a quiet hour.
 * `LIKE` keeps whatever columns later migrations may have added to the table before this one.
 * SQLite has no partitions: nothing changes there (retention deletes rows in batches).
 */
export class PartitionAuditEvents1795829000000 implements MigrationInterface {
  name = 'PartitionAuditEvents1795829000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    const [{ kind }] = await queryRunner.query(`SELECT relkind AS kind FROM pg_class WHERE oid = $1::regclass`, [AUDIT_TABLE]);
    if (kind === 'p') return;
    const [{ sequence }] = await queryRunner.query(`SELECT pg_get_serial_sequence($1, 'seq') AS sequence`, [AUDIT_TABLE]);
    await queryRunner.query(`ALTER TABLE "${AUDIT_TABLE}" RENAME TO "${OLD_TABLE}"`);
    // The old indexes' names are reused below; the table goes at the end anyway.
    await queryRunner.query(`ALTER TABLE "${OLD_TABLE}" DROP CONSTRAINT IF EXISTS "audit_events_id_unique"`);
    for (const index of ['audit_events_time_seq', 'audit_events_type_time', 'audit_events_subject_time', 'audit_events_client_time']) {
      await queryRunner.query(`DROP INDEX IF EXISTS "${index}"`);
    }
    // Keep the sequence (and so every seq a cursor may hold) when the old table is dropped.
    await queryRunner.query(`ALTER SEQUENCE ${sequence} OWNED BY NONE`);
    await queryRunner.query(`CREATE TABLE "${AUDIT_TABLE}" (LIKE "${OLD_TABLE}" INCLUDING DEFAULTS) PARTITION BY RANGE ("time_ms")`);
    await queryRunner.query(`ALTER SEQUENCE ${sequence} OWNED BY "${AUDIT_TABLE}"."seq"`);
    await queryRunner.query(`CREATE TABLE "${DEFAULT_PARTITION}" PARTITION OF "${AUDIT_TABLE}" DEFAULT`);
    await queryRunner.query(`CREATE UNIQUE INDEX "audit_events_id_time_unique" ON "${AUDIT_TABLE}" ("id", "time_ms")`);
    await queryRunner.query(`CREATE INDEX "audit_events_time_seq" ON "${AUDIT_TABLE}" ("time_ms", "seq")`);
    await queryRunner.query(`CREATE INDEX "audit_events_type_time" ON "${AUDIT_TABLE}" ("type", "time_ms", "seq")`);
    await queryRunner.query(`CREATE INDEX "audit_events_subject_time" ON "${AUDIT_TABLE}" ("subject", "time_ms", "seq")`);
    await queryRunner.query(`CREATE INDEX "audit_events_client_time" ON "${AUDIT_TABLE}" ("client_id", "time_ms", "seq")`);
    // A partition for every day that has rows, and for today; then the rows move in.
    const days: { day: string }[] = await queryRunner.query(`SELECT DISTINCT ("time_ms" / ${DAY_MS}) * ${DAY_MS} AS day FROM "${OLD_TABLE}"`);
    const starts = new Set([...days.map((d) => Number(d.day)), dayStart(Date.now())]);
    for (const start of starts) await ensureDayPartition(queryRunner.manager, start);
    await queryRunner.query(`INSERT INTO "${AUDIT_TABLE}" SELECT * FROM "${OLD_TABLE}"`);
    await queryRunner.query(`DROP TABLE "${OLD_TABLE}"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    const [{ sequence }] = await queryRunner.query(`SELECT pg_get_serial_sequence($1, 'seq') AS sequence`, [AUDIT_TABLE]);
    await queryRunner.query(`ALTER TABLE "${AUDIT_TABLE}" RENAME TO "${OLD_TABLE}"`);
    await queryRunner.query(`ALTER SEQUENCE ${sequence} OWNED BY NONE`);
    for (const index of ['audit_events_id_time_unique', 'audit_events_time_seq', 'audit_events_type_time', 'audit_events_subject_time', 'audit_events_client_time']) {
      await queryRunner.query(`DROP INDEX IF EXISTS "${index}"`);
    }
    await queryRunner.query(`CREATE TABLE "${AUDIT_TABLE}" (LIKE "${OLD_TABLE}" INCLUDING DEFAULTS)`);
    await queryRunner.query(`ALTER SEQUENCE ${sequence} OWNED BY "${AUDIT_TABLE}"."seq"`);
    // Of duplicate ids (only possible with different times), the first stored stays.
    await queryRunner.query(`INSERT INTO "${AUDIT_TABLE}" SELECT DISTINCT ON ("id") * FROM "${OLD_TABLE}" ORDER BY "id", "seq"`);
    await queryRunner.query(`ALTER TABLE "${AUDIT_TABLE}" ADD PRIMARY KEY ("seq"), ADD CONSTRAINT "audit_events_id_unique" UNIQUE ("id")`);
    await queryRunner.query(`DROP TABLE "${OLD_TABLE}"`);
    await queryRunner.query('CREATE INDEX "audit_events_time_seq" ON "audit_events" ("time_ms", "seq")');
    await queryRunner.query('CREATE INDEX "audit_events_type_time" ON "audit_events" ("type", "time_ms", "seq")');
    await queryRunner.query('CREATE INDEX "audit_events_subject_time" ON "audit_events" ("subject", "time_ms", "seq")');
    await queryRunner.query('CREATE INDEX "audit_events_client_time" ON "audit_events" ("client_id", "time_ms", "seq")');
  }
}
