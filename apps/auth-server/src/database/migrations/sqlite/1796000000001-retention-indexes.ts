import { MigrationInterface, QueryRunner } from 'typeorm';
import { RETENTION_INDEXES } from '../postgres/1796000000000-retention-indexes';

/** The PostgreSQL migration's indexes (the scheduled purge's reads), on SQLite. */
export class RetentionIndexesSqlite1796000000001 implements MigrationInterface {
  name = 'RetentionIndexesSqlite1796000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, table, column] of RETENTION_INDEXES) await queryRunner.query(`CREATE INDEX "${name}" ON "${table}" ("${column}")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of [...RETENTION_INDEXES].reverse()) await queryRunner.query(`DROP INDEX "${name}"`);
  }
}
