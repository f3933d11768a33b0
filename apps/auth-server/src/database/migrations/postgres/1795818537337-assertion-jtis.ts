import { MigrationInterface, QueryRunner } from 'typeorm';

/** assertion_jtis: the jwt-bearer grant's replay ledger (now shared-state/used-key.entity.ts). */
export class AssertionJtisPostgres1795818537337 implements MigrationInterface {
  name = 'AssertionJtisPostgres1795818537337';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE "assertion_jtis" ("key" character varying(64) NOT NULL, "expires_at" bigint NOT NULL, CONSTRAINT "PK_assertion_jtis" PRIMARY KEY ("key"))');
    await queryRunner.query('CREATE INDEX "assertion_jtis_expires" ON "assertion_jtis" ("expires_at")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "assertion_jtis_expires"');
    await queryRunner.query('DROP TABLE "assertion_jtis"');
  }
}
