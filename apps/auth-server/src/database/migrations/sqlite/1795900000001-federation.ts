import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sign-in with upstream OpenID Providers: identity links and the pending trips upstream. */
export class FederationSqlite1795900000001 implements MigrationInterface {
  name = 'FederationSqlite1795900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "federated_identities" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" varchar(36) NOT NULL, "issuer" varchar(512) NOT NULL, "subject" varchar(255) NOT NULL, "connection_id" varchar(32) NOT NULL, "email" varchar(320), "name" varchar(256), "created_at" bigint NOT NULL, "last_login_at" bigint NOT NULL)',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_federated_identities_issuer_subject" ON "federated_identities" ("issuer", "subject")');
    await queryRunner.query(
      'CREATE TABLE "federated_login_attempts" ("state_hash" varchar(64) PRIMARY KEY NOT NULL, "connection_id" varchar(32) NOT NULL, "interaction_id" varchar(64) NOT NULL, "browser_binding_hash" varchar(64) NOT NULL, "nonce" varchar(128) NOT NULL, "code_verifier" varchar(128) NOT NULL, "expires_at" bigint NOT NULL)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "federated_login_attempts"');
    await queryRunner.query('DROP INDEX "UQ_federated_identities_issuer_subject"');
    await queryRunner.query('DROP TABLE "federated_identities"');
  }
}
