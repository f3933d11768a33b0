import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The headline store and the watchlists, as TypeORM's schema builder derives them from the
 * entities. IF NOT EXISTS: databases created by the earlier `synchronize` start-up already
 * have exactly these tables, and adopt the migration history without a change.
 */
export class InitialPostgres1795700000000 implements MigrationInterface {
  name = 'InitialPostgres1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "headlines" ("id" character varying(64) NOT NULL, "ticker" character varying(12) NOT NULL, "headline" character varying(500) NOT NULL, "source" character varying(64) NOT NULL, "publishedAt" TIMESTAMP NOT NULL, "score" real NOT NULL, CONSTRAINT "PK_69684ee76459053a4b88e72e80a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX IF NOT EXISTS "IDX_5e3e5463ff8d2cdb43312a0e75" ON "headlines" ("ticker", "publishedAt")`);
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "watchlist_entries" ("id" SERIAL NOT NULL, "subject" character varying(255) NOT NULL, "ticker" character varying(12) NOT NULL, "addedAt" TIMESTAMP NOT NULL, CONSTRAINT "UQ_cac68b1855b308326d6a7ae8202" UNIQUE ("subject", "ticker"), CONSTRAINT "PK_a08544ac22f2ce8f2c20f0aec5c" PRIMARY KEY ("id"))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "watchlist_entries"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5e3e5463ff8d2cdb43312a0e75"`);
    await queryRunner.query(`DROP TABLE "headlines"`);
  }
}
