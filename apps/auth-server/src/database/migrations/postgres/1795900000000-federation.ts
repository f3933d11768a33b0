import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sign-in with upstream OpenID Providers: identity links and the pending trips upstream. */
export class FederationPostgres1795900000000 implements MigrationInterface {
  name = 'FederationPostgres1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "federated_identities" ("id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "issuer" character varying(512) NOT NULL, "subject" character varying(255) NOT NULL, "connection_id" character varying(32) NOT NULL, "email" character varying(320), "name" character varying(256), "created_at" bigint NOT NULL, "last_login_at" bigint NOT NULL, CONSTRAINT "PK_federated_identities" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE UNIQUE INDEX "UQ_federated_identities_issuer_subject" ON "federated_identities" ("issuer", "subject")');
    await queryRunner.query(
      'CREATE TABLE "federated_login_attempts" ("state_hash" character varying(64) NOT NULL, "connection_id" character varying(32) NOT NULL, "interaction_id" character varying(64) NOT NULL, "browser_binding_hash" character varying(64) NOT NULL, "nonce" character varying(128) NOT NULL, "code_verifier" character varying(128) NOT NULL, "expires_at" bigint NOT NULL, CONSTRAINT "PK_federated_login_attempts" PRIMARY KEY ("state_hash"))',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "federated_login_attempts"');
    await queryRunner.query('DROP INDEX "UQ_federated_identities_issuer_subject"');
    await queryRunner.query('DROP TABLE "federated_identities"');
  }
}
