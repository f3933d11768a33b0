import { MigrationInterface, QueryRunner } from 'typeorm';

export class RevokedTokensIndexSqlite1795696698066 implements MigrationInterface {
  name = 'RevokedTokensIndexSqlite1795696698066';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"access_tokens_revoked\"");
    await queryRunner.query("CREATE INDEX \"access_tokens_revoked\" ON \"access_tokens\" (\"expires_at\") WHERE \"revoked_at\" IS NOT NULL");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"access_tokens_revoked\"");
    await queryRunner.query("CREATE INDEX \"access_tokens_revoked\" ON \"access_tokens\" (\"revoked_at\", \"expires_at\") ");
  }
}
