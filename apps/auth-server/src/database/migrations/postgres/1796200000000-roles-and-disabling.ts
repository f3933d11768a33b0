import { MigrationInterface, QueryRunner } from 'typeorm';

/** users.roles (space-separated role names), users.disabled_at and clients.disabled_at (admin API). */
export class RolesAndDisablingPostgres1796200000000 implements MigrationInterface {
  name = 'RolesAndDisablingPostgres1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD "roles" character varying(256) NOT NULL DEFAULT \'\'');
    await queryRunner.query('ALTER TABLE "users" ADD "disabled_at" bigint');
    await queryRunner.query('ALTER TABLE "clients" ADD "disabled_at" bigint');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "clients" DROP COLUMN "disabled_at"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "disabled_at"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "roles"');
  }
}
