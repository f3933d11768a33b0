import { MigrationInterface, QueryRunner } from 'typeorm';

/** grants.last_used_at (the account page's "last used") and grants_user (a person's grants, listed by user). */
export class GrantLastUsedPostgres1796250000000 implements MigrationInterface {
  name = 'GrantLastUsedPostgres1796250000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "grants" ADD "last_used_at" bigint');
    await queryRunner.query('CREATE INDEX "grants_user" ON "grants" ("user_id")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "grants_user"');
    await queryRunner.query('ALTER TABLE "grants" DROP COLUMN "last_used_at"');
  }
}
