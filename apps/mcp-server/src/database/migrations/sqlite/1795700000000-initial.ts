import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The headline store and the watchlists, as TypeORM's schema builder derives them from the
 * entities. IF NOT EXISTS: databases created by the earlier `synchronize` start-up already
 * have exactly these tables, and adopt the migration history without a change.
 */
export class InitialSqlite1795700000000 implements MigrationInterface {
  name = 'InitialSqlite1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "headlines" ("id" varchar(64) PRIMARY KEY NOT NULL, "ticker" varchar(12) NOT NULL, "headline" varchar(500) NOT NULL, "source" varchar(64) NOT NULL, "publishedAt" datetime NOT NULL, "score" real NOT NULL)`,
    );
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_5e3e5463ff8d2cdb43312a0e75" ON "headlines" ("ticker", "publishedAt")`);
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "watchlist_entries" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "subject" varchar(255) NOT NULL, "ticker" varchar(12) NOT NULL, "addedAt" datetime NOT NULL, CONSTRAINT "UQ_cac68b1855b308326d6a7ae8202" UNIQUE ("subject", "ticker"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "watchlist_entries"`);
    await queryRunner.query(`DROP INDEX "IDX_5e3e5463ff8d2cdb43312a0e75"`);
    await queryRunner.query(`DROP TABLE "headlines"`);
  }
}
