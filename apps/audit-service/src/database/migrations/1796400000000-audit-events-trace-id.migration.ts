import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The trace id of each event's `traceparent` (CloudEvents Distributed Tracing extension), so
 * GET /audit/events?trace_id=… finds the audit rows of one traced request. Rows stored before
 * tracing, or produced outside a trace, keep NULL. Indexed like the other filters:
 * (column, time_ms, seq), read newest first.
 */
export class AuditEventsTraceId1796400000000 implements MigrationInterface {
  name = 'AuditEventsTraceId1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "audit_events" ADD COLUMN "trace_id" varchar(32)');
    await queryRunner.query('CREATE INDEX IF NOT EXISTS "audit_events_trace_time" ON "audit_events" ("trace_id", "time_ms", "seq")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX IF EXISTS "audit_events_trace_time"');
    await queryRunner.query('ALTER TABLE "audit_events" DROP COLUMN "trace_id"');
  }
}
