import { canonicalResource, formatScope, InvalidClientMetadata, InvalidRedirectUri, parseScope } from '@portcullis/oauth';
import { findScope } from '@portcullis/scopes';
import { ApplicationType, TokenEndpointAuthMethod } from '../client.entity';
import { redirectUriProblem } from './redirect-uri.policy';

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
}

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

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

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'];
const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
const SHARED_SECRET_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post'];

export const MAX_REDIRECT_URIS = 20;
export const MAX_CLIENT_NAME_LENGTH = 255;
const MAX_URI_LENGTH = 2048;
const MAX_SCOPE_LENGTH = 1024;
const MAX_JWKS_KEYS = 10;
const MAX_JWKS_JSON_LENGTH = 16 * 1024;
/** JWK members that carry private or symmetric key material (RFC 7518 §6). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

type Raw = Record<string, unknown>;

/**
 * The one validator for client metadata, whoever presents it: a registration request
 * (RFC 7591), the operator (CLI, CLIENTS_FILE) or a Client ID Metadata Document. Problems with
 * redirect URIs are `invalid_redirect_uri`, everything else `invalid_client_metadata`
 * (RFC 7591 §3.2.2), each naming the field and the reason. Metadata the server does not
 * understand is ignored (RFC 7591 §2: "MUST ignore any client metadata ... it does not
 * understand").
 */
export function validateClientMetadata(input: unknown, policy: MetadataPolicy): ClientMetadata {
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidClientMetadata('client metadata must be a JSON object');
  }
  const raw = input as Raw;
  const applicationType = readApplicationType(raw);
  const tokenEndpointAuthMethod = readAuthMethod(raw, policy);
  const grantTypes = readGrantTypes(raw);
  const responseTypes = readResponseTypes(raw, grantTypes);
  checkGrantPolicy(grantTypes, tokenEndpointAuthMethod, policy);
  const redirectUris = readRedirectUris(raw, applicationType, grantTypes);
  const scope = readScope(raw, policy);
  const { jwks, jwksUri } = readKeys(raw, tokenEndpointAuthMethod, policy);
  const resourceServer = readResourceServer(raw, tokenEndpointAuthMethod, policy);
  return {
    redirectUris,
    tokenEndpointAuthMethod,
    grantTypes,
    responseTypes,
    applicationType,
    clientName: readName(raw),
    clientUri: readWebUri(raw, 'client_uri', policy),
    logoUri: readWebUri(raw, 'logo_uri', policy),
    scope,
    jwks,
    jwksUri,
    resourceServer,
  };
}

/** True when the method authenticates with a shared secret the server must issue. */
export function usesClientSecret(method: TokenEndpointAuthMethod): boolean {
  return SHARED_SECRET_METHODS.includes(method);
}

function readApplicationType(raw: Raw): ApplicationType {
  const value = raw.application_type ?? 'web';
  if (value !== 'web' && value !== 'native') throw new InvalidClientMetadata('application_type must be "web" or "native"');
  return value;
}

function readAuthMethod(raw: Raw, policy: MetadataPolicy): TokenEndpointAuthMethod {
  // RFC 7591 §2 defaults to client_secret_basic. A metadata document can never carry a secret,
  // so an omitted method there means a public client.
  const fallback = policy.source === 'metadata_document' ? 'none' : 'client_secret_basic';
  const value = raw.token_endpoint_auth_method ?? fallback;
  if (typeof value !== 'string' || !(AUTH_METHODS as readonly string[]).includes(value)) {
    throw new InvalidClientMetadata(`token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}`);
  }
  const method = value as TokenEndpointAuthMethod;
  if (policy.source === 'metadata_document' && usesClientSecret(method)) {
    // draft-ietf-oauth-client-id-metadata-document §4.1: a public document cannot hold a
    // shared secret, so shared-secret methods are meaningless there.
    throw new InvalidClientMetadata('a client metadata document may only use token_endpoint_auth_method none or private_key_jwt');
  }
  return method;
}

function stringArray(raw: Raw, field: string, makeError: (message: string) => Error): string[] | undefined {
  const value = raw[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw makeError(`${field} must be an array of strings`);
  return [...new Set(value as string[])];
}

function readGrantTypes(raw: Raw): GrantType[] {
  const given = stringArray(raw, 'grant_types', (m) => new InvalidClientMetadata(m)) ?? ['authorization_code'];
  if (given.length === 0) throw new InvalidClientMetadata('grant_types must not be empty');
  for (const g of given) {
    if (!(GRANT_TYPES as readonly string[]).includes(g)) {
      throw new InvalidClientMetadata(`grant type '${clip(g)}' is not supported; use ${GRANT_TYPES.join(', ')}`);
    }
  }
  return given as GrantType[];
}

/** RFC 7591 §2.1: grant_types and response_types must agree (authorization_code ⇔ code). */
function readResponseTypes(raw: Raw, grantTypes: GrantType[]): string[] {
  const usesCode = grantTypes.includes('authorization_code');
  const given = stringArray(raw, 'response_types', (m) => new InvalidClientMetadata(m)) ?? (usesCode ? ['code'] : []);
  for (const r of given) {
    if (r !== 'code') throw new InvalidClientMetadata(`response type '${clip(r)}' is not supported; only "code" is`);
  }
  if (usesCode && !given.includes('code')) {
    throw new InvalidClientMetadata('grant type authorization_code needs response type "code" (RFC 7591 §2.1)');
  }
  if (!usesCode && given.includes('code')) {
    throw new InvalidClientMetadata('response type "code" needs grant type authorization_code (RFC 7591 §2.1)');
  }
  return given;
}

function checkGrantPolicy(grantTypes: GrantType[], method: TokenEndpointAuthMethod, policy: MetadataPolicy): void {
  // Refresh tokens are issued to people's grants only (they come with an authorization code).
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) {
    throw new InvalidClientMetadata('grant type refresh_token is only available together with authorization_code');
  }
  if (!grantTypes.includes('client_credentials')) return;
  if (policy.source === 'metadata_document') {
    throw new InvalidClientMetadata('a client metadata document cannot register the client_credentials grant');
  }
  if (!policy.trusted) {
    throw new InvalidClientMetadata(
      'grant type client_credentials is only for trusted clients; register with the initial access token (RFC 7591 §3) or ask the operator',
    );
  }
  if (method === 'none') {
    throw new InvalidClientMetadata('grant type client_credentials needs a confidential client (token_endpoint_auth_method other than none)');
  }
}

function readRedirectUris(raw: Raw, applicationType: ApplicationType, grantTypes: GrantType[]): string[] {
  const uris = stringArray(raw, 'redirect_uris', (m) => new InvalidRedirectUri(m)) ?? [];
  if (grantTypes.includes('authorization_code') && uris.length === 0) {
    throw new InvalidRedirectUri('redirect_uris is required for the authorization_code grant');
  }
  if (uris.length > MAX_REDIRECT_URIS) throw new InvalidRedirectUri(`at most ${MAX_REDIRECT_URIS} redirect URIs may be registered`);
  for (const uri of uris) {
    const problem = redirectUriProblem(uri, applicationType);
    if (problem) throw new InvalidRedirectUri(problem);
  }
  return uris;
}

/** Scopes must exist in the catalogue; privileged ones only for trusted clients. */
function readScope(raw: Raw, policy: MetadataPolicy): string | null {
  const value = raw.scope;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidClientMetadata('scope must be a space-separated string');
  if (value.length > MAX_SCOPE_LENGTH) throw new InvalidClientMetadata(`scope is longer than ${MAX_SCOPE_LENGTH} characters`);
  const scopes = parseScope(value);
  if (scopes === undefined) throw new InvalidClientMetadata('scope is malformed (RFC 6749 §3.3)');
  if (scopes.length === 0) return null;
  for (const name of scopes) {
    const definition = findScope(name);
    if (!definition) throw new InvalidClientMetadata(`scope '${clip(name)}' is unknown to this server`);
    if (definition.privileged && !policy.trusted) {
      throw new InvalidClientMetadata(
        `scope '${name}' is privileged: only trusted clients may hold it; register with the initial access token (RFC 7591 §3) or ask the operator`,
      );
    }
  }
  return formatScope(scopes);
}

function readName(raw: Raw): string | null {
  const value = raw.client_name;
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidClientMetadata('client_name must be a string');
  const name = value.trim();
  if (name.length === 0) throw new InvalidClientMetadata('client_name must not be empty');
  if (name.length > MAX_CLIENT_NAME_LENGTH) throw new InvalidClientMetadata(`client_name is longer than ${MAX_CLIENT_NAME_LENGTH} characters`);
  // The consent page shows the name to a person: no control characters that could disguise it.
  if (/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u.test(name)) {
    throw new InvalidClientMetadata('client_name contains control characters');
  }
  return name;
}

/** client_uri / logo_uri: pages and images a person may be shown, so http(s) only. */
function readWebUri(raw: Raw, field: 'client_uri' | 'logo_uri', policy: MetadataPolicy): string | null {
  const value = raw[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidClientMetadata(`${field} must be a string`);
  const problem = webUriProblem(value, policy);
  if (problem) throw new InvalidClientMetadata(`${field} ${problem}`);
  return value;
}

/**
 * `allowLoopbackHttp`: a page or logo on the user's own machine is harmless to link to; a
 * jwks_uri is fetched by this server, so it gets no such exception (SSRF).
 */
function webUriProblem(value: string, policy: MetadataPolicy, allowLoopbackHttp = true): string | undefined {
  if (value.length > MAX_URI_LENGTH) return `is longer than ${MAX_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute https URL';
  }
  if (url.username || url.password) return 'must not contain userinfo';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && (policy.allowHttpUris || (allowLoopbackHttp && isLoopbackHost(url.hostname)))) return undefined;
  return 'must be an https URL';
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/**
 * RFC 7591 §2: `jwks` and `jwks_uri` MUST NOT both be present. private_key_jwt (RFC 7523)
 * needs one of them. Only public keys are accepted: a private or symmetric key in the request
 * means the client has leaked it.
 */
function readKeys(raw: Raw, method: TokenEndpointAuthMethod, policy: MetadataPolicy): Pick<ClientMetadata, 'jwks' | 'jwksUri'> {
  const jwksValue = raw.jwks;
  const uriValue = raw.jwks_uri;
  const hasJwks = jwksValue !== undefined && jwksValue !== null;
  const hasUri = uriValue !== undefined && uriValue !== null;
  if (hasJwks && hasUri) throw new InvalidClientMetadata('jwks and jwks_uri must not both be present (RFC 7591 §2)');
  if (method === 'private_key_jwt' && !hasJwks && !hasUri) {
    throw new InvalidClientMetadata('token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri');
  }
  if (hasUri) {
    if (typeof uriValue !== 'string') throw new InvalidClientMetadata('jwks_uri must be a string');
    const problem = webUriProblem(uriValue, policy, false);
    if (problem) throw new InvalidClientMetadata(`jwks_uri ${problem}`);
    return { jwks: null, jwksUri: uriValue };
  }
  if (!hasJwks) return { jwks: null, jwksUri: null };
  return { jwks: readJwks(jwksValue), jwksUri: null };
}

function readJwks(value: unknown): { keys: Record<string, unknown>[] } {
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidClientMetadata('jwks must be a JWK Set object (RFC 7517 §5)');
  const keys = (value as Raw).keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new InvalidClientMetadata('jwks must hold a non-empty "keys" array');
  if (keys.length > MAX_JWKS_KEYS) throw new InvalidClientMetadata(`jwks may hold at most ${MAX_JWKS_KEYS} keys`);
  if (JSON.stringify(value).length > MAX_JWKS_JSON_LENGTH) throw new InvalidClientMetadata('jwks is too large');
  for (const key of keys) {
    if (!key || typeof key !== 'object' || Array.isArray(key) || typeof (key as Raw).kty !== 'string') {
      throw new InvalidClientMetadata('each key in jwks must be a JWK object with "kty"');
    }
    if ((key as Raw).kty === 'oct' || PRIVATE_JWK_MEMBERS.some((m) => m in (key as Raw))) {
      throw new InvalidClientMetadata('jwks must contain public keys only');
    }
  }
  return { keys: keys as Record<string, unknown>[] };
}

/**
 * `resource_server` (a Portcullis extension, operator only): the client is the resource
 * server of that protected resource and may introspect its tokens (RFC 7662 §4: the server
 * "SHOULD require protected resources to be specifically authorized to call the
 * introspection endpoint"). A registrant can never make itself one.
 */
function readResourceServer(raw: Raw, method: TokenEndpointAuthMethod, policy: MetadataPolicy): string | null {
  const value = raw.resource_server;
  if (value === undefined || value === null) return null;
  if (policy.source !== 'preregistered' || !policy.resources) {
    throw new InvalidClientMetadata('resource_server can only be set by the operator (CLI or CLIENTS_FILE)');
  }
  if (typeof value !== 'string') throw new InvalidClientMetadata('resource_server must be a resource URL');
  if (value.length > MAX_URI_LENGTH) throw new InvalidClientMetadata(`resource_server is longer than ${MAX_URI_LENGTH} characters`);
  const canonical = canonicalResource(value);
  if (!canonical || !policy.resources.includes(canonical)) {
    throw new InvalidClientMetadata(`resource_server '${clip(value)}' is not a resource of this server; use one of ${policy.resources.join(', ')}`);
  }
  // RFC 7662 §2.1: the caller authenticates, so a public client cannot be a resource server.
  if (method === 'none') throw new InvalidClientMetadata('a resource server needs a confidential client (token_endpoint_auth_method other than none)');
  return canonical;
}

function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 61)}...` : value;
}
