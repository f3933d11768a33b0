import { MigrationInterface, QueryRunner } from 'typeorm';

/** grants.last_used_at (the account page's "last used") and grants_user (a person's grants, listed by user). */
export class GrantLastUsedSqlite1796250000001 implements MigrationInterface {
  name = 'GrantLastUsedSqlite1796250000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "grants" ADD COLUMN "last_used_at" bigint');
    await queryRunner.query('CREATE INDEX "grants_user" ON "grants" ("user_id")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "grants_user"');
    await queryRunner.query('ALTER TABLE "grants" DROP COLUMN "last_used_at"');
  }
}
