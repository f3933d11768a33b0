import { MigrationInterface, QueryRunner } from 'typeorm';

/** shared_counters: the login throttle's and the registration brake's counters (shared-state/; on SQLite for the schema's sake, memory counts). */
export class SharedCountersSqlite1796100000001 implements MigrationInterface {
  name = 'SharedCountersSqlite1796100000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE "shared_counters" ("key" varchar(64) PRIMARY KEY NOT NULL, "count" integer NOT NULL, "last_at" bigint NOT NULL, "expires_at" bigint NOT NULL)');
    await queryRunner.query('CREATE INDEX "shared_counters_expires" ON "shared_counters" ("expires_at")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "shared_counters_expires"');
    await queryRunner.query('DROP TABLE "shared_counters"');
  }
}
