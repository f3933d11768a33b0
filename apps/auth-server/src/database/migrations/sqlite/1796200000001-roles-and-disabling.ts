import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * users.roles (space-separated role names), users.disabled_at and clients.disabled_at (admin
 * API). Written by hand like client-resource-server: new columns need only ADD COLUMN.
 */
export class RolesAndDisablingSqlite1796200000001 implements MigrationInterface {
  name = 'RolesAndDisablingSqlite1796200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "users" ADD COLUMN "roles" varchar(256) NOT NULL DEFAULT (\'\')');
    await queryRunner.query('ALTER TABLE "users" ADD COLUMN "disabled_at" bigint');
    await queryRunner.query('ALTER TABLE "clients" ADD COLUMN "disabled_at" bigint');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "clients" DROP COLUMN "disabled_at"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "disabled_at"');
    await queryRunner.query('ALTER TABLE "users" DROP COLUMN "roles"');
  }
}
