import { MigrationInterface, QueryRunner } from 'typeorm';

export class ClientResourceServerPostgres1795796990624 implements MigrationInterface {
  name = 'ClientResourceServerPostgres1795796990624';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"clients\" ADD \"resource_server\" character varying(2048)");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"clients\" DROP COLUMN \"resource_server\"");
  }
}
