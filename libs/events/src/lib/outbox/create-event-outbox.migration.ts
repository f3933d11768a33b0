import { MigrationInterface, QueryRunner } from 'typeorm';

/** Creates the outbox table of OutboxEventEntity on PostgreSQL or SQLite. */
export class CreateEventOutbox1767000000000 implements MigrationInterface {
  name = 'CreateEventOutbox1767000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const seq = postgres ? '"seq" BIGSERIAL PRIMARY KEY' : '"seq" INTEGER PRIMARY KEY AUTOINCREMENT';
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "event_outbox" (${seq}, "id" varchar(36) NOT NULL UNIQUE, "type" varchar(128) NOT NULL, "payload" text NOT NULL, "created_at" bigint NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS "event_outbox"');
  }
}
