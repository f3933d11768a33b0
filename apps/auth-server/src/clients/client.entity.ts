import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

export type TokenEndpointAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
export type ApplicationType = 'web' | 'native';
/** How the client came to be known: it decides what it may be trusted with. */
export type ClientOrigin = 'preregistered' | 'dynamic' | 'metadata_document';

/** A client registered with this server (pre-registered or by RFC 7591 registration). */
@Entity('clients')
export class ClientEntity {
  @PrimaryColumn({ type: 'varchar', length: 255, name: 'client_id' })
  clientId: string;

  /** sha256 of the client secret (high-entropy, server-generated); null for public clients. */
  @Column({ type: 'varchar', length: 64, name: 'secret_hash', nullable: true })
  secretHash: string | null;

  @Column({ ...epochColumn({ nullable: true }), name: 'secret_expires_at' })
  secretExpiresAt: number | null;

  @Column({ type: 'varchar', length: 32, name: 'token_endpoint_auth_method' })
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;

  @Column({ type: 'simple-json', name: 'redirect_uris' })
  redirectUris: string[];

  @Column({ type: 'simple-json', name: 'grant_types' })
  grantTypes: string[];

  @Column({ type: 'simple-json', name: 'response_types' })
  responseTypes: string[];

  /** Scopes the client may ask for; null = every non-privileged scope. */
  @Column({ type: 'text', nullable: true })
  scope: string | null;

  @Column({ type: 'varchar', length: 255, name: 'client_name', nullable: true })
  clientName: string | null;

  @Column({ type: 'varchar', length: 2048, name: 'client_uri', nullable: true })
  clientUri: string | null;

  @Column({ type: 'varchar', length: 2048, name: 'logo_uri', nullable: true })
  logoUri: string | null;

  @Column({ type: 'varchar', length: 16, name: 'application_type' })
  applicationType: ApplicationType;

  /** For private_key_jwt (RFC 7523): the client's public keys, inline or by URL. */
  @Column({ type: 'simple-json', nullable: true })
  jwks: { keys: Record<string, unknown>[] } | null;

  @Column({ type: 'varchar', length: 2048, name: 'jwks_uri', nullable: true })
  jwksUri: string | null;

  /**
   * The protected resource (canonical RFC 8707 identifier) this client is the resource
   * server of: it may introspect tokens whose audience is that resource (RFC 7662 §4), and
   * only those. Set by the operator only (CLI, CLIENTS_FILE); null for every other client.
   */
  @Column({ type: 'varchar', length: 2048, name: 'resource_server', nullable: true })
  resourceServer: string | null;

  /** Trusted clients may use client_credentials and hold privileged scopes. */
  @Column({ type: 'boolean' })
  trusted: boolean;

  @Column({ type: 'varchar', length: 32 })
  origin: ClientOrigin;

  /** RFC 7592: sha256 of the registration access token for the management endpoint. */
  @Column({ type: 'varchar', length: 64, name: 'registration_token_hash', nullable: true })
  registrationTokenHash: string | null;

  @Column({ ...epochColumn(), name: 'created_at' })
  createdAt: number;

  /** Set → the client cannot authenticate, be authorized or get tokens (admin API). */
  @Column({ ...epochColumn({ nullable: true }), name: 'disabled_at' })
  disabledAt: number | null;
}
