import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Drops the UNIQUE index on event_outbox.id. Every event recorded paid for it (an insert into
 * a random-keyed index, and its delete when delivered) and it guarded nothing: ids are random
 * UUIDs minted by createEvent, rows are found and deleted by `seq`, and the audit service
 * stores each id once whatever arrives twice.
 */
export class EventOutboxIdNotUnique1795690000000 implements MigrationInterface {
  name = 'EventOutboxIdNotUnique1795690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query('ALTER TABLE "event_outbox" DROP CONSTRAINT IF EXISTS "event_outbox_id_key"');
      return;
    }
    // SQLite cannot drop a constraint declared in CREATE TABLE: rebuild the table, rows kept.
    await rebuildSqliteOutbox(queryRunner, '"id" varchar(36) NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query('ALTER TABLE "event_outbox" ADD CONSTRAINT "event_outbox_id_key" UNIQUE ("id")');
      return;
    }
    await rebuildSqliteOutbox(queryRunner, '"id" varchar(36) NOT NULL UNIQUE');
  }
}

async function rebuildSqliteOutbox(queryRunner: QueryRunner, idColumn: string): Promise<void> {
  await queryRunner.query(
    `CREATE TABLE "event_outbox_rebuilt" ("seq" INTEGER PRIMARY KEY AUTOINCREMENT, ${idColumn}, "type" varchar(128) NOT NULL, "payload" text NOT NULL, "created_at" bigint NOT NULL)`,
  );
  await queryRunner.query(
    'INSERT INTO "event_outbox_rebuilt" ("seq", "id", "type", "payload", "created_at") SELECT "seq", "id", "type", "payload", "created_at" FROM "event_outbox"',
  );
  await queryRunner.query('DROP TABLE "event_outbox"');
  await queryRunner.query('ALTER TABLE "event_outbox_rebuilt" RENAME TO "event_outbox"');
}
