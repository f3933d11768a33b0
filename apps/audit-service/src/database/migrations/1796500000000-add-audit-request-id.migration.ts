import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `requestid` extension attribute of each event (the X-Request-Id of the request that made
 * it) as a column, so GET /audit/events?request_id= finds every event of one request, and the
 * index behind that filter, shaped like the others: (column, time_ms, seq). Rows stored before
 * have none (NULL). Plain ADD COLUMN: the same statement on PostgreSQL and SQLite, and on
 * PostgreSQL a nullable column without a default rewrites nothing.
 */
export class AddAuditRequestId1796500000000 implements MigrationInterface {
  name = 'AddAuditRequestId1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "audit_events" ADD COLUMN "request_id" varchar(64)');
    await queryRunner.query('CREATE INDEX IF NOT EXISTS "audit_events_request_time" ON "audit_events" ("request_id", "time_ms", "seq")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS "audit_events_request_time"');
    await queryRunner.query('ALTER TABLE "audit_events" DROP COLUMN "request_id"');
  }
}
