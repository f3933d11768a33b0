import { ClientEntity, ClientOrigin } from '../client.entity';
import { ClientMetadata } from './client-metadata.validator';

export interface ClientIdentity {
  clientId: string;
  trusted: boolean;
  origin: ClientOrigin;
  secretHash: string | null;
  registrationTokenHash: string | null;
  createdAt: number;
}

/** A client entity from validated metadata plus what the server decides itself. */
export function toClientEntity(metadata: ClientMetadata, identity: ClientIdentity): ClientEntity {
  return Object.assign(new ClientEntity(), {
    ...identity,
    // RFC 7591 §3.2.1: a secret that does not expire is reported as 0; stored as null.
    secretExpiresAt: null,
    redirectUris: metadata.redirectUris,
    tokenEndpointAuthMethod: metadata.tokenEndpointAuthMethod,
    grantTypes: metadata.grantTypes,
    responseTypes: metadata.responseTypes,
    applicationType: metadata.applicationType,
    clientName: metadata.clientName,
    clientUri: metadata.clientUri,
    logoUri: metadata.logoUri,
    scope: metadata.scope,
    jwks: metadata.jwks,
    jwksUri: metadata.jwksUri,
    resourceServer: metadata.resourceServer,
  });
}

/**
 * The registered metadata as it goes on the wire (RFC 7591 §3.2.1, RFC 7592 §3): RFC names,
 * absent values left out. Never a secret: a client secret is added by the caller, once.
 */
export function clientMetadataResponse(client: ClientEntity): Record<string, unknown> {
  const out: Record<string, unknown> = {
    client_id: client.clientId,
    client_id_issued_at: Math.floor(client.createdAt / 1000),
    redirect_uris: client.redirectUris,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: client.grantTypes,
    response_types: client.responseTypes,
    application_type: client.applicationType,
  };
  if (client.secretHash) out.client_secret_expires_at = client.secretExpiresAt ? Math.floor(client.secretExpiresAt / 1000) : 0;
  if (client.clientName !== null) out.client_name = client.clientName;
  if (client.clientUri !== null) out.client_uri = client.clientUri;
  if (client.logoUri !== null) out.logo_uri = client.logoUri;
  if (client.scope !== null) out.scope = client.scope;
  if (client.jwks !== null) out.jwks = client.jwks;
  if (client.jwksUri !== null) out.jwks_uri = client.jwksUri;
  if (client.resourceServer) out.resource_server = client.resourceServer;
  return out;
}
