import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * clients.resource_server: the resource a client is the resource server of (introspection).
 * Written by hand: the generated form rebuilt the table (and, through unrelated drift in the
 * outbox's column types, the event outbox too); a nullable column needs only ADD COLUMN.
 */
export class ClientResourceServerSqlite1795796984127 implements MigrationInterface {
  name = 'ClientResourceServerSqlite1795796984127';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "clients" ADD COLUMN "resource_server" varchar(2048)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "clients" DROP COLUMN "resource_server"');
  }
}
