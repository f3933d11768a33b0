import { MigrationInterface, QueryRunner } from 'typeorm';

export class RevokedTokensIndexPostgres1795696697495 implements MigrationInterface {
  name = 'RevokedTokensIndexPostgres1795696697495';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"access_tokens_revoked\"");
    await queryRunner.query("CREATE INDEX \"access_tokens_revoked\" ON \"access_tokens\"  (\"expires_at\") WHERE \"revoked_at\" IS NOT NULL");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"access_tokens_revoked\"");
    await queryRunner.query("CREATE INDEX \"access_tokens_revoked\" ON \"access_tokens\" (\"revoked_at\", \"expires_at\") ");
  }
}
