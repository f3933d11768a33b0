import { z } from 'zod';
import { addOAuthIssue, IssueMapping, JWT_BEARER_GRANT_TYPE } from '@portcullis/oauth';
import type { ClientMetadata, GrantType, MetadataPolicy } from './client-metadata';
import { clientName, everyMember, jwks, MAX_REDIRECT_URIS, resourceServer, scope, stringSet, webUri } from './client-metadata-fields';
import { redirectUriProblem } from './redirect-uri.policy';

const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'] as const;
const GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials', JWT_BEARER_GRANT_TYPE];
const SHARED_SECRET_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post'];
const TRUST_HINT = 'register with the initial access token (RFC 7591 §3) or ask the operator';

/** RFC 7591 §3.2.2: redirect URI problems are `invalid_redirect_uri`, all others `invalid_client_metadata`. */
export const CLIENT_METADATA_ERRORS: IssueMapping = { fallback: 'invalid_client_metadata', fields: { redirect_uris: 'invalid_redirect_uri' } };

/** True when the method authenticates with a shared secret the server must issue. */
export function usesClientSecret(method: string): boolean {
  return SHARED_SECRET_METHODS.includes(method);
}

/**
 * token_endpoint_auth_method. RFC 7591 §2 defaults to client_secret_basic; a metadata
 * document can never carry a secret, so there an omitted method means a public client and
 * shared-secret methods are refused (draft-ietf-oauth-client-id-metadata-document §4.1).
 */
function authMethod(policy: MetadataPolicy) {
  const fromDocument = policy.source === 'metadata_document';
  return z
    .enum(AUTH_METHODS, { error: `token_endpoint_auth_method must be one of ${AUTH_METHODS.join(', ')}` })
    .nullish()
    .transform((method) => method ?? (fromDocument ? 'none' : 'client_secret_basic'))
    .refine((method) => !(fromDocument && usesClientSecret(method)), 'a client metadata document may only use token_endpoint_auth_method none or private_key_jwt');
}

/** Each field on its own, in the order their problems are reported. */
function fields(policy: MetadataPolicy) {
  return z.object(
    {
      application_type: z.enum(['web', 'native'], { error: 'application_type must be "web" or "native"' }).nullish(),
      token_endpoint_auth_method: authMethod(policy),
      grant_types: stringSet('grant_types')
        .refine((given) => given === undefined || given.length > 0, 'grant_types must not be empty')
        .superRefine(everyMember(GRANT_TYPES, (g) => `grant type '${g}' is not supported; use ${GRANT_TYPES.join(', ')}`)),
      response_types: stringSet('response_types').superRefine(everyMember(['code'], (r) => `response type '${r}' is not supported; only "code" is`)),
      redirect_uris: stringSet('redirect_uris').refine(
        (uris) => uris === undefined || uris.length <= MAX_REDIRECT_URIS,
        `at most ${MAX_REDIRECT_URIS} redirect URIs may be registered`,
      ),
      scope: scope(policy),
      jwks,
      jwks_uri: webUri('jwks_uri', policy),
      resource_server: resourceServer(policy),
      client_name: clientName,
      client_uri: webUri('client_uri', policy),
      logo_uri: webUri('logo_uri', policy),
    },
    { error: 'client metadata must be a JSON object' },
  );
}

type Fields = z.output<ReturnType<typeof fields>>;

/** Fields that must agree with each other (RFC 7591 §2, §2.1), each issue naming its field. */
function checkTogether(m: Fields, policy: MetadataPolicy, ctx: z.RefinementCtx): void {
  const grantTypes = m.grant_types ?? ['authorization_code'];
  const usesCode = grantTypes.includes('authorization_code');
  const responseTypes = m.response_types ?? (usesCode ? ['code'] : []);
  if (usesCode && !responseTypes.includes('code')) addOAuthIssue(ctx, 'grant type authorization_code needs response type "code" (RFC 7591 §2.1)', ['response_types']);
  if (!usesCode && responseTypes.includes('code')) addOAuthIssue(ctx, 'response type "code" needs grant type authorization_code (RFC 7591 §2.1)', ['response_types']);
  // Refresh tokens are issued to people's grants only (they come with an authorization code).
  if (grantTypes.includes('refresh_token') && !usesCode) addOAuthIssue(ctx, 'grant type refresh_token is only available together with authorization_code', ['grant_types']);
  if (grantTypes.includes('client_credentials')) {
    if (policy.source === 'metadata_document') addOAuthIssue(ctx, 'a client metadata document cannot register the client_credentials grant', ['grant_types']);
    else if (!policy.trusted) addOAuthIssue(ctx, `grant type client_credentials is only for trusted clients; ${TRUST_HINT}`, ['grant_types']);
    else if (m.token_endpoint_auth_method === 'none') {
      addOAuthIssue(ctx, 'grant type client_credentials needs a confidential client (token_endpoint_auth_method other than none)', ['grant_types']);
    }
  }
  // Open registration cannot ask for it: a trusted issuer's configuration names the clients
  // that may present its assertions, so only the operator's clients (and client ID metadata
  // documents, which the MCP ID-JAG profile §5 names) can be among them.
  if (grantTypes.includes(JWT_BEARER_GRANT_TYPE) && policy.source === 'registration' && !policy.trusted) {
    addOAuthIssue(ctx, `grant type ${JWT_BEARER_GRANT_TYPE} is only for trusted clients; ${TRUST_HINT}`, ['grant_types']);
  }
  const uris = m.redirect_uris ?? [];
  if (usesCode && uris.length === 0) addOAuthIssue(ctx, 'redirect_uris is required for the authorization_code grant', ['redirect_uris']);
  for (const uri of uris) {
    const problem = redirectUriProblem(uri, m.application_type ?? 'web');
    if (problem) return addOAuthIssue(ctx, problem, ['redirect_uris']);
  }
  // RFC 7591 §2: jwks and jwks_uri MUST NOT both be present; private_key_jwt (RFC 7523) needs one.
  if (m.jwks && m.jwks_uri) addOAuthIssue(ctx, 'jwks and jwks_uri must not both be present (RFC 7591 §2)', ['jwks']);
  if (m.token_endpoint_auth_method === 'private_key_jwt' && !m.jwks && !m.jwks_uri) {
    addOAuthIssue(ctx, 'token_endpoint_auth_method private_key_jwt needs jwks or jwks_uri', ['token_endpoint_auth_method']);
  }
  // RFC 7662 §2.1: the caller authenticates, so a public client cannot be a resource server.
  if (m.resource_server && m.token_endpoint_auth_method === 'none') {
    addOAuthIssue(ctx, 'a resource server needs a confidential client (token_endpoint_auth_method other than none)', ['resource_server']);
  }
}

/**
 * Client metadata (RFC 7591 §2) as one schema, whoever presents it: a registration request,
 * the operator (CLI, CLIENTS_FILE) or a Client ID Metadata Document; `policy` decides defaults
 * and what may be asked for. Metadata the server does not understand is ignored (RFC 7591 §2:
 * "MUST ignore any client metadata ... it does not understand"). The result is in the
 * server's own camelCase.
 */
export function clientMetadataSchema(policy: MetadataPolicy): z.ZodType<ClientMetadata> {
  return fields(policy)
    .superRefine((m, ctx) => checkTogether(m, policy, ctx))
    .transform((m): ClientMetadata => {
      const grantTypes = (m.grant_types ?? ['authorization_code']) as GrantType[];
      return {
        redirectUris: m.redirect_uris ?? [],
        tokenEndpointAuthMethod: m.token_endpoint_auth_method,
        grantTypes,
        responseTypes: m.response_types ?? (grantTypes.includes('authorization_code') ? ['code'] : []),
        applicationType: m.application_type ?? 'web',
        clientName: m.client_name,
        clientUri: m.client_uri,
        logoUri: m.logo_uri,
        scope: m.scope,
        jwks: m.jwks,
        jwksUri: m.jwks_uri,
        resourceServer: m.resource_server,
      };
    });
}
