import type { JWT_BEARER_GRANT_TYPE } from '@portcullis/oauth';
import type { ScopeDescription } from '@portcullis/scopes';
import { ApplicationType, TokenEndpointAuthMethod } from '../client.entity';

/** Where the metadata comes from; it decides defaults and what may be asked for. */
export type MetadataSource = 'registration' | 'preregistered' | 'metadata_document';

export interface MetadataPolicy {
  source: MetadataSource;
  /** Trusted clients may use client_credentials and hold privileged scopes. */
  trusted: boolean;
  /** Development only (CIMD_ALLOW_HTTP): accept an http jwks_uri. */
  allowHttpUris?: boolean;
  /**
   * The resources this server protects (canonical identifiers): what `resource_server` may
   * name. Only the operator's channels (CLI, CLIENTS_FILE) pass them.
   */
  resources?: readonly string[];
  /**
   * The scope directory's lookup (resources/scope-directory.ts), so scopes declared by the
   * gateway file are accepted like built-in ones. Without it, only the built-in catalogue.
   */
  findScope?: (name: string) => ScopeDescription | undefined;
}

/** RFC 7591 §2 grant types; the last is RFC 7523 §2.1 jwt-bearer (ID-JAG and workload identity). */
export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials' | typeof JWT_BEARER_GRANT_TYPE;

/** Client metadata (RFC 7591 §2) after validation, in the server's own camelCase. */
export interface ClientMetadata {
  redirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  grantTypes: GrantType[];
  responseTypes: string[];
  applicationType: ApplicationType;
  clientName: string | null;
  clientUri: string | null;
  logoUri: string | null;
  /** Space-separated scopes the client may ask for; null = any non-privileged scope. */
  scope: string | null;
  jwks: { keys: Record<string, unknown>[] } | null;
  jwksUri: string | null;
  /** The resource this client is the resource server of (introspection); null for most. */
  resourceServer: string | null;
}
