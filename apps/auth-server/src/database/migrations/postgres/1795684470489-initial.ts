import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialPostgres1795684470489 implements MigrationInterface {
  name = 'InitialPostgres1795684470489';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"signing_keys\" (\"kid\" character varying(64) NOT NULL, \"alg\" character varying(16) NOT NULL, \"status\" character varying(16) NOT NULL, \"public_jwk\" text NOT NULL, \"private_key_pem\" text NOT NULL, \"created_at\" bigint NOT NULL, \"activated_at\" bigint, \"published_until\" bigint, CONSTRAINT \"PK_13362ac3e792c69417e1a53d355\" PRIMARY KEY (\"kid\"))");
    await queryRunner.query("CREATE TABLE \"clients\" (\"client_id\" character varying(255) NOT NULL, \"secret_hash\" character varying(64), \"secret_expires_at\" bigint, \"token_endpoint_auth_method\" character varying(32) NOT NULL, \"redirect_uris\" text NOT NULL, \"grant_types\" text NOT NULL, \"response_types\" text NOT NULL, \"scope\" text, \"client_name\" character varying(255), \"client_uri\" character varying(2048), \"logo_uri\" character varying(2048), \"application_type\" character varying(16) NOT NULL, \"jwks\" text, \"jwks_uri\" character varying(2048), \"trusted\" boolean NOT NULL, \"origin\" character varying(32) NOT NULL, \"registration_token_hash\" character varying(64), \"created_at\" bigint NOT NULL, CONSTRAINT \"PK_49e91f1e368e3f760789e7764aa\" PRIMARY KEY (\"client_id\"))");
    await queryRunner.query("CREATE TABLE \"users\" (\"id\" character varying(36) NOT NULL, \"username\" character varying(128) NOT NULL, \"password_hash\" character varying(255) NOT NULL, \"failed_logins\" integer NOT NULL DEFAULT '0', \"locked_until\" bigint, \"created_at\" bigint NOT NULL, CONSTRAINT \"UQ_fe0bb3f6520ee0469504521e710\" UNIQUE (\"username\"), CONSTRAINT \"PK_a3ffb1c0c8416b9fc6f907b7433\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"interactions\" (\"id\" character varying(64) NOT NULL, \"client_id\" character varying(255) NOT NULL, \"redirect_uri\" character varying(2048) NOT NULL, \"redirect_uri_given\" boolean NOT NULL, \"state\" character varying(1024), \"scope\" text NOT NULL, \"resource\" character varying(2048) NOT NULL, \"code_challenge\" character varying(128) NOT NULL, \"prompt\" character varying(32), \"csrf_token\" character varying(64) NOT NULL, \"browser_binding_hash\" character varying(64) NOT NULL, \"user_id\" character varying(36), \"expires_at\" bigint NOT NULL, CONSTRAINT \"PK_911b7416a6671b4148b18c18ecb\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"sessions\" (\"id_hash\" character varying(64) NOT NULL, \"user_id\" character varying(36) NOT NULL, \"expires_at\" bigint NOT NULL, CONSTRAINT \"PK_5dda86a77da1e1e37e690a45996\" PRIMARY KEY (\"id_hash\"))");
    await queryRunner.query("CREATE TABLE \"consents\" (\"id\" character varying(36) NOT NULL, \"user_id\" character varying(36) NOT NULL, \"client_id\" character varying(255) NOT NULL, \"resource\" character varying(2048) NOT NULL, \"scope\" text NOT NULL, \"updated_at\" bigint NOT NULL, CONSTRAINT \"PK_9efc68eb6aba7d638fb6ea034dd\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"consents_user_client_resource\" ON \"consents\"  (\"user_id\", \"client_id\", \"resource\") ");
    await queryRunner.query("CREATE TABLE \"grants\" (\"id\" character varying(36) NOT NULL, \"user_id\" character varying(36) NOT NULL, \"client_id\" character varying(255) NOT NULL, \"resource\" character varying(2048) NOT NULL, \"scope\" text NOT NULL, \"created_at\" bigint NOT NULL, \"revoked_at\" bigint, CONSTRAINT \"PK_a25f5f89eff8b3277f7969b7094\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"authorization_codes\" (\"code_hash\" character varying(64) NOT NULL, \"grant_id\" character varying(36) NOT NULL, \"client_id\" character varying(255) NOT NULL, \"user_id\" character varying(36) NOT NULL, \"redirect_uri\" character varying(2048) NOT NULL, \"redirect_uri_given\" boolean NOT NULL, \"resource\" character varying(2048) NOT NULL, \"scope\" text NOT NULL, \"code_challenge\" character varying(128) NOT NULL, \"expires_at\" bigint NOT NULL, \"consumed_at\" bigint, CONSTRAINT \"PK_2e198275bb8a2fe00f554be97a3\" PRIMARY KEY (\"code_hash\"))");
    await queryRunner.query("CREATE TABLE \"refresh_tokens\" (\"token_hash\" character varying(64) NOT NULL, \"grant_id\" character varying(36) NOT NULL, \"scope\" text NOT NULL, \"expires_at\" bigint NOT NULL, \"rotated_at\" bigint, \"revoked_at\" bigint, CONSTRAINT \"PK_a7838d2ba25be1342091b6695f1\" PRIMARY KEY (\"token_hash\"))");
    await queryRunner.query("CREATE INDEX \"refresh_tokens_grant\" ON \"refresh_tokens\"  (\"grant_id\") ");
    await queryRunner.query("CREATE TABLE \"access_tokens\" (\"jti\" character varying(64) NOT NULL, \"grant_id\" character varying(36), \"client_id\" character varying(255) NOT NULL, \"expires_at\" bigint NOT NULL, \"revoked_at\" bigint, CONSTRAINT \"PK_28772cc8c3cd0a9d22318e07804\" PRIMARY KEY (\"jti\"))");
    await queryRunner.query("CREATE INDEX \"access_tokens_revoked\" ON \"access_tokens\"  (\"revoked_at\", \"expires_at\") ");
    await queryRunner.query("CREATE INDEX \"access_tokens_grant\" ON \"access_tokens\"  (\"grant_id\") ");
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"public\".\"access_tokens_grant\"");
    await queryRunner.query("DROP INDEX \"public\".\"access_tokens_revoked\"");
    await queryRunner.query("DROP TABLE \"access_tokens\"");
    await queryRunner.query("DROP INDEX \"public\".\"refresh_tokens_grant\"");
    await queryRunner.query("DROP TABLE \"refresh_tokens\"");
    await queryRunner.query("DROP TABLE \"authorization_codes\"");
    await queryRunner.query("DROP TABLE \"grants\"");
    await queryRunner.query("DROP INDEX \"public\".\"consents_user_client_resource\"");
    await queryRunner.query("DROP TABLE \"consents\"");
    await queryRunner.query("DROP TABLE \"sessions\"");
    await queryRunner.query("DROP TABLE \"interactions\"");
    await queryRunner.query("DROP TABLE \"users\"");
    await queryRunner.query("DROP TABLE \"clients\"");
    await queryRunner.query("DROP TABLE \"signing_keys\"");
  }
}
