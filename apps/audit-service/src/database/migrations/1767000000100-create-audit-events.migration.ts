import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit table and the indexes behind GET /audit/events: every filter is an equality or
 * prefix on one column plus a time range, read newest first, so each index is
 * (column, time_ms, seq). On PostgreSQL `type` uses the "C" collation so a prefix
 * (`auth.%`) is a plain B-tree range.
 */
export class CreateAuditEvents1767000000100 implements MigrationInterface {
  name = 'CreateAuditEvents1767000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    const pg = queryRunner.connection.options.type === 'postgres';
    const seq = pg ? '"seq" BIGSERIAL PRIMARY KEY' : '"seq" INTEGER PRIMARY KEY AUTOINCREMENT';
    const type = pg ? '"type" varchar(128) COLLATE "C" NOT NULL' : '"type" varchar(128) NOT NULL';
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "audit_events" (${seq}, "id" varchar(36) NOT NULL, ${type}, "source" varchar(256) NOT NULL, ` +
        `"subject" varchar(512), "client_id" varchar(2048), "time_ms" bigint NOT NULL, "stored_ms" bigint NOT NULL, "event" text NOT NULL, ` +
        `CONSTRAINT "audit_events_id_unique" UNIQUE ("id"))`,
    );
    await queryRunner.query('CREATE INDEX IF NOT EXISTS "audit_events_time_seq" ON "audit_events" ("time_ms", "seq")');
    await queryRunner.query('CREATE INDEX IF NOT EXISTS "audit_events_type_time" ON "audit_events" ("type", "time_ms", "seq")');
    await queryRunner.query('CREATE INDEX IF NOT EXISTS "audit_events_subject_time" ON "audit_events" ("subject", "time_ms", "seq")');
    await queryRunner.query('CREATE INDEX IF NOT EXISTS "audit_events_client_time" ON "audit_events" ("client_id", "time_ms", "seq")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS "audit_events"');
  }
}
