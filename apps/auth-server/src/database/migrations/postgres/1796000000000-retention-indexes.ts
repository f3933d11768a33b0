import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes the scheduled purge reads by (database/auth-purges.ts): each expiry column, the
 * codes of a grant and the grants by age, so a purge batch finds its rows without reading a
 * table through.
 */
export class RetentionIndexesPostgres1796000000000 implements MigrationInterface {
  name = 'RetentionIndexesPostgres1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [name, table, column] of RETENTION_INDEXES) await queryRunner.query(`CREATE INDEX "${name}" ON "${table}" ("${column}")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [name] of [...RETENTION_INDEXES].reverse()) await queryRunner.query(`DROP INDEX "public"."${name}"`);
  }
}

/** [index, table, column]; the entities declare the same (`@Index`). */
export const RETENTION_INDEXES: readonly (readonly [string, string, string])[] = [
  ['access_tokens_expires', 'access_tokens', 'expires_at'],
  ['refresh_tokens_expires', 'refresh_tokens', 'expires_at'],
  ['authorization_codes_grant', 'authorization_codes', 'grant_id'],
  ['grants_created', 'grants', 'created_at'],
  ['interactions_expires', 'interactions', 'expires_at'],
  ['sessions_expires', 'sessions', 'expires_at'],
  ['federated_login_attempts_expires', 'federated_login_attempts', 'expires_at'],
];
