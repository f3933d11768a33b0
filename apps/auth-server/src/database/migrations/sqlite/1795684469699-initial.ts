import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSqlite1795684469699 implements MigrationInterface {
  name = 'InitialSqlite1795684469699';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"signing_keys\" (\"kid\" varchar(64) PRIMARY KEY NOT NULL, \"alg\" varchar(16) NOT NULL, \"status\" varchar(16) NOT NULL, \"public_jwk\" text NOT NULL, \"private_key_pem\" text NOT NULL, \"created_at\" bigint NOT NULL, \"activated_at\" bigint, \"published_until\" bigint)");
    await queryRunner.query("CREATE TABLE \"clients\" (\"client_id\" varchar(255) PRIMARY KEY NOT NULL, \"secret_hash\" varchar(64), \"secret_expires_at\" bigint, \"token_endpoint_auth_method\" varchar(32) NOT NULL, \"redirect_uris\" text NOT NULL, \"grant_types\" text NOT NULL, \"response_types\" text NOT NULL, \"scope\" text, \"client_name\" varchar(255), \"client_uri\" varchar(2048), \"logo_uri\" varchar(2048), \"application_type\" varchar(16) NOT NULL, \"jwks\" text, \"jwks_uri\" varchar(2048), \"trusted\" boolean NOT NULL, \"origin\" varchar(32) NOT NULL, \"registration_token_hash\" varchar(64), \"created_at\" bigint NOT NULL)");
    await queryRunner.query("CREATE TABLE \"users\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"username\" varchar(128) NOT NULL, \"password_hash\" varchar(255) NOT NULL, \"failed_logins\" integer NOT NULL DEFAULT (0), \"locked_until\" bigint, \"created_at\" bigint NOT NULL, CONSTRAINT \"UQ_fe0bb3f6520ee0469504521e710\" UNIQUE (\"username\"))");
    await queryRunner.query("CREATE TABLE \"interactions\" (\"id\" varchar(64) PRIMARY KEY NOT NULL, \"client_id\" varchar(255) NOT NULL, \"redirect_uri\" varchar(2048) NOT NULL, \"redirect_uri_given\" boolean NOT NULL, \"state\" varchar(1024), \"scope\" text NOT NULL, \"resource\" varchar(2048) NOT NULL, \"code_challenge\" varchar(128) NOT NULL, \"prompt\" varchar(32), \"csrf_token\" varchar(64) NOT NULL, \"browser_binding_hash\" varchar(64) NOT NULL, \"user_id\" varchar(36), \"expires_at\" bigint NOT NULL)");
    await queryRunner.query("CREATE TABLE \"sessions\" (\"id_hash\" varchar(64) PRIMARY KEY NOT NULL, \"user_id\" varchar(36) NOT NULL, \"expires_at\" bigint NOT NULL)");
    await queryRunner.query("CREATE TABLE \"consents\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"user_id\" varchar(36) NOT NULL, \"client_id\" varchar(255) NOT NULL, \"resource\" varchar(2048) NOT NULL, \"scope\" text NOT NULL, \"updated_at\" bigint NOT NULL)");
    await queryRunner.query("CREATE UNIQUE INDEX \"consents_user_client_resource\" ON \"consents\" (\"user_id\", \"client_id\", \"resource\") ");
    await queryRunner.query("CREATE TABLE \"grants\" (\"id\" varchar(36) PRIMARY KEY NOT NULL, \"user_id\" varchar(36) NOT NULL, \"client_id\" varchar(255) NOT NULL, \"resource\" varchar(2048) NOT NULL, \"scope\" text NOT NULL, \"created_at\" bigint NOT NULL, \"revoked_at\" bigint)");
    await queryRunner.query("CREATE TABLE \"authorization_codes\" (\"code_hash\" varchar(64) PRIMARY KEY NOT NULL, \"grant_id\" varchar(36) NOT NULL, \"client_id\" varchar(255) NOT NULL, \"user_id\" varchar(36) NOT NULL, \"redirect_uri\" varchar(2048) NOT NULL, \"redirect_uri_given\" boolean NOT NULL, \"resource\" varchar(2048) NOT NULL, \"scope\" text NOT NULL, \"code_challenge\" varchar(128) NOT NULL, \"expires_at\" bigint NOT NULL, \"consumed_at\" bigint)");
    await queryRunner.query("CREATE TABLE \"refresh_tokens\" (\"token_hash\" varchar(64) PRIMARY KEY NOT NULL, \"grant_id\" varchar(36) NOT NULL, \"scope\" text NOT NULL, \"expires_at\" bigint NOT NULL, \"rotated_at\" bigint, \"revoked_at\" bigint)");
    await queryRunner.query("CREATE INDEX \"refresh_tokens_grant\" ON \"refresh_tokens\" (\"grant_id\") ");
    await queryRunner.query("CREATE TABLE \"access_tokens\" (\"jti\" varchar(64) PRIMARY KEY NOT NULL, \"grant_id\" varchar(36), \"client_id\" varchar(255) NOT NULL, \"expires_at\" bigint NOT NULL, \"revoked_at\" bigint)");
    await queryRunner.query("CREATE INDEX \"access_tokens_revoked\" ON \"access_tokens\" (\"revoked_at\", \"expires_at\") ");
    await queryRunner.query("CREATE INDEX \"access_tokens_grant\" ON \"access_tokens\" (\"grant_id\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"access_tokens_grant\"");
    await queryRunner.query("DROP INDEX \"access_tokens_revoked\"");
    await queryRunner.query("DROP TABLE \"access_tokens\"");
    await queryRunner.query("DROP INDEX \"refresh_tokens_grant\"");
    await queryRunner.query("DROP TABLE \"refresh_tokens\"");
    await queryRunner.query("DROP TABLE \"authorization_codes\"");
    await queryRunner.query("DROP TABLE \"grants\"");
    await queryRunner.query("DROP INDEX \"consents_user_client_resource\"");
    await queryRunner.query("DROP TABLE \"consents\"");
    await queryRunner.query("DROP TABLE \"sessions\"");
    await queryRunner.query("DROP TABLE \"interactions\"");
    await queryRunner.query("DROP TABLE \"users\"");
    await queryRunner.query("DROP TABLE \"clients\"");
    await queryRunner.query("DROP TABLE \"signing_keys\"");
  }
}
