import { MigrationInterface, QueryRunner } from 'typeorm';

/** assertion_jtis: the jwt-bearer grant's replay ledger (now shared-state/used-key.entity.ts). */
export class AssertionJtisSqlite1795818537338 implements MigrationInterface {
  name = 'AssertionJtisSqlite1795818537338';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE "assertion_jtis" ("key" varchar(64) PRIMARY KEY NOT NULL, "expires_at" bigint NOT NULL)');
    await queryRunner.query('CREATE INDEX "assertion_jtis_expires" ON "assertion_jtis" ("expires_at")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "assertion_jtis_expires"');
    await queryRunner.query('DROP TABLE "assertion_jtis"');
  }
}
