import { MigrationInterface, QueryRunner } from 'typeorm';

/** client_token_cutoffs: every token of a disabled or deleted client issued up to an instant is revoked (token/client-token-cutoffs.ts). */
export class ClientTokenCutoffsPostgres1796300000000 implements MigrationInterface {
  name = 'ClientTokenCutoffsPostgres1796300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "client_token_cutoffs" ("client_id" character varying(255) NOT NULL, "issued_through" bigint NOT NULL, "expires_at" bigint NOT NULL, CONSTRAINT "PK_client_token_cutoffs" PRIMARY KEY ("client_id"))',
    );
    await queryRunner.query('CREATE INDEX "client_token_cutoffs_expires" ON "client_token_cutoffs" ("expires_at")');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "client_token_cutoffs_expires"');
    await queryRunner.query('DROP TABLE "client_token_cutoffs"');
  }
}
