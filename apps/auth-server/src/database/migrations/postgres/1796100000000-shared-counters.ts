import { MigrationInterface, QueryRunner } from 'typeorm';

/** shared_counters: the login throttle's and the registration brake's counters every replica shares (shared-state/). */
export class SharedCountersPostgres1796100000000 implements MigrationInterface {
  name = 'SharedCountersPostgres1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "shared_counters" ("key" character varying(64) NOT NULL, "count" integer NOT NULL, "last_at" bigint NOT NULL, "expires_at" bigint NOT NULL, CONSTRAINT "PK_shared_counters" PRIMARY KEY ("key"))',
    );
    await queryRunner.query('CREATE INDEX "shared_counters_expires" ON "shared_counters" ("expires_at")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "shared_counters_expires"');
    await queryRunner.query('DROP TABLE "shared_counters"');
  }
}
