import { ID_JAG_GRANT_PROFILE, JWT_BEARER_GRANT_TYPE } from '@portcullis/oauth';
import { SCOPE_CATALOGUE } from '@portcullis/scopes';

/** Which jwt-bearer profiles TRUSTED_ISSUERS_FILE turns on (RFC 7523 §2.1; MCP WIF; ID-JAG). */
export interface AssertionGrantSupport {
  /** Any trusted issuer: the grant type is offered (MCP WIF "Authorization Server Metadata"). */
  jwtBearer: boolean;
  /** An enterprise IdP: the ID-JAG profile is offered. */
  idJag: boolean;
}

const NO_ASSERTION_GRANTS: AssertionGrantSupport = { jwtBearer: false, idJag: false };

/**
 * RFC 8414 §2 authorization server metadata. Every URL a client needs is here: clients find
 * endpoints by discovery, never by convention.
 */
export function authorizationServerMetadata(
  issuer: string,
  registrationOpen: boolean,
  assertionGrants: AssertionGrantSupport = NO_ASSERTION_GRANTS,
  scopesSupported: readonly string[] = SCOPE_CATALOGUE.map((s) => s.name),
) {
  const authMethods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];
  const signingAlgs = ['EdDSA', 'ES256', 'PS256', 'RS256'];
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    ...(registrationOpen ? { registration_endpoint: `${issuer}/register` } : {}),
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    scopes_supported: [...scopesSupported],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', ...(assertionGrants.jwtBearer ? [JWT_BEARER_GRANT_TYPE] : [])],
    // draft-ietf-oauth-identity-assertion-authz-grant §7.2, MCP Enterprise-Managed Authorization §6.
    ...(assertionGrants.idJag ? { authorization_grant_profiles_supported: [ID_JAG_GRANT_PROFILE] } : {}),
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: authMethods,
    token_endpoint_auth_signing_alg_values_supported: signingAlgs,
    revocation_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_signing_alg_values_supported: signingAlgs,
    introspection_endpoint_auth_methods_supported: authMethods.filter((m) => m !== 'none'),
    introspection_endpoint_auth_signing_alg_values_supported: signingAlgs,
    // RFC 9207 §3: every authorization response carries `iss`.
    authorization_response_iss_parameter_supported: true,
    // draft-ietf-oauth-client-id-metadata-document §4 / MCP 2026-07-28 client registration.
    client_id_metadata_document_supported: true,
    // RFC 8707 (resource indicators) is always honoured; RFC 9068 tokens are signed with:
    access_token_signing_alg_values_supported: ['EdDSA'],
    prompt_values_supported: ['none', 'login', 'consent'],
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    service_documentation: `${issuer}/`,
  };
}
