import { z } from 'zod';
import { EventType, EventTypeName } from './event-types';

/*
 * The `data` of each event type. Wire names are snake_case like the OAuth RFCs. A token is
 * only ever named by its `jti`; codes, passwords and client secrets never appear (see
 * secret-field.guard.ts, which a test runs over every schema below).
 *
 * Instants inside `data` are NumericDate (RFC 7519 §2: seconds since the epoch), the unit of
 * `exp` in the tokens they describe. The envelope's `time` is the RFC 3339 time of the event.
 */

const clientId = z.string().min(1).max(2048);
const subject = z.string().min(1).max(512);
const jti = z.string().min(1).max(256);
const scopes = z.array(z.string().min(1).max(128)).max(64);
const resource = z.string().min(1).max(2048);
const numericDate = z.number().int().nonnegative();
/** An OAuth error code (RFC 6749 §5.2, RFC 6750 §3.1, RFC 7591 §3.2.2, RFC 8707 §2). */
const oauthError = z.string().min(1).max(64);
const description = z.string().max(512);
/**
 * On a rejection anyone can repeat without authenticating: this event stands for `count`
 * identical ones (same reason, name and address) within one aggregation window, after the
 * first, which was recorded on its own. Absent = 1.
 */
const count = z.number().int().min(1);

export const grantTypeSchema = z.enum(['authorization_code', 'client_credentials', 'refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer']);

export const clientRegisteredData = z.strictObject({
  client_id: clientId,
  client_name: z.string().max(256).optional(),
  /** How the client came to exist. */
  registration: z.enum(['dynamic', 'cli', 'metadata_document', 'static', 'admin']),
  /** Trusted clients may use client_credentials and hold privileged scopes. */
  trusted: z.boolean(),
  grant_types: z.array(z.string().max(64)).max(8),
  redirect_uris: z.array(z.string().max(2048)).max(32),
  token_endpoint_auth_method: z.string().max(64),
  scopes: scopes.optional(),
});

/**
 * Who did an administrative or self-service change: the person (`subject`) and the client
 * their token was issued to (the console, the account page, a CLI run has `cli`).
 */
const actor = z.strictObject({
  subject: subject.optional(),
  client_id: clientId.optional(),
  /** `cli`: the auth-server's command line on the host; `bootstrap`: `BOOTSTRAP_USERS` at start; `admin_api`: a token for the admin API; `account`: the person's own account page (a login session, no token). */
  via: z.enum(['cli', 'bootstrap', 'admin_api', 'account']),
});

/** A registered client changed through the admin API or the CLI. The secret itself never appears. */
export const clientUpdatedData = z.strictObject({
  client_id: clientId,
  change: z.enum(['disabled', 'enabled', 'secret_rotated', 'metadata_changed']),
  actor,
});

/** A client was deleted; its grants, refresh tokens and live access tokens went with it (see auth.token.revoked). */
export const clientDeletedData = z.strictObject({
  client_id: clientId,
  actor,
});

export const userCreatedData = z.strictObject({
  subject,
  username: z.string().max(256),
  roles: z.array(z.string().min(1).max(64)).max(16),
  actor,
});

/** A person's account changed. Never carries the password, old or new. */
export const userUpdatedData = z.strictObject({
  subject,
  change: z.enum(['disabled', 'enabled', 'unlocked', 'password_reset', 'roles_changed']),
  roles: z.array(z.string().min(1).max(64)).max(16).optional(),
  actor,
});

/**
 * A person's approval of a client was withdrawn: the grant, its refresh tokens and its live
 * access tokens (the access tokens also go out as auth.token.revoked for resource servers).
 */
export const grantRevokedData = z.strictObject({
  grant_id: z.string().min(1).max(256),
  client_id: clientId,
  subject,
  scopes: scopes.optional(),
  revoked_jtis: z.number().int().nonnegative(),
  actor,
});

export const clientRegistrationRejectedData = z.strictObject({
  error: oauthError,
  error_description: description,
  client_name: z.string().max(256).optional(),
  /** The client_id URL of a metadata document that could not be used, if any. */
  client_id: clientId.optional(),
});

export const loginSucceededData = z.strictObject({
  subject,
  username: z.string().max(256),
  client_id: clientId.optional(),
  /** The upstream OpenID Provider connection that vouched for the person (absent: a password). */
  connection_id: z.string().min(1).max(32).optional(),
  /** true when this sign-in created the local user (first sign-in through the connection). */
  provisioned: z.boolean().optional(),
});

export const loginFailedData = z.strictObject({
  /** The name that was typed; the password never is. */
  username: z.string().max(256),
  /** `throttled`: refused unchecked, within a login delay; `disabled`: the right password for an account an operator disabled; `locked_out` is no longer produced (kept for stored events). */
  reason: z.enum(['unknown_user', 'bad_password', 'throttled', 'locked_out', 'malformed', 'disabled']),
  client_id: clientId.optional(),
  count: count.optional(),
});

/** Why a sign-in through an upstream OpenID Provider was refused; never its code or tokens. */
export const federatedLoginFailureReason = z.enum([
  /** Its discovery, token endpoint or key set could not be reached or read. */
  'idp_unreachable',
  /** The IdP answered the authorization request with an error (`error` says which). */
  'idp_error',
  /** No pending sign-in for this `state`: unknown, already used or expired (a replay). */
  'unknown_state',
  /** The callback came to another browser than the one that started the sign-in. */
  'browser_mismatch',
  /** The sign-in request it was part of has expired meanwhile. */
  'interaction_expired',
  /** `iss`, the code exchange or the ID token failed validation (RFC 9207, OIDC Core §3.1.3.7). */
  'invalid_response',
  'email_not_verified',
  'email_domain_not_allowed',
  /** The person's account here was disabled by an operator. */
  'account_disabled',
]);

export const federatedLoginFailedData = z.strictObject({
  connection_id: z.string().min(1).max(32),
  reason: federatedLoginFailureReason,
  /** The IdP's own error code when it sent one (e.g. `access_denied`). */
  error: oauthError.optional(),
  client_id: clientId.optional(),
  count: count.optional(),
});

export const consentGrantedData = z.strictObject({
  subject,
  client_id: clientId,
  scopes,
  resource,
});

export const consentDeniedData = consentGrantedData;

/** An authorization request refused (RFC 6749 §4.1.2.1), whether or not it could redirect. */
export const authorizationDeniedData = z.strictObject({
  client_id: clientId.optional(),
  subject: subject.optional(),
  error: oauthError,
  error_description: description,
  redirect_uri: z.string().max(2048).optional(),
  resource: resource.optional(),
  count: count.optional(),
});

export const codeIssuedData = z.strictObject({
  client_id: clientId,
  subject,
  scopes,
  resource,
  redirect_uri: z.string().max(2048),
  /** PKCE method (RFC 7636 §4.3); only S256 is accepted. */
  pkce_method: z.literal('S256'),
  expires_at: numericDate,
});

export const tokenIssuedData = z.strictObject({
  grant_type: grantTypeSchema,
  client_id: clientId,
  /** `sub` of the access token: the user, or the client itself for client_credentials. */
  subject,
  scopes,
  resource,
  /** The access token's `jti` (RFC 9068 §2.2). */
  jti,
  expires_at: numericDate,
  /** A refresh token was issued alongside; it belongs to this rotation family. */
  refresh_family_id: z.string().max(256).optional(),
  /**
   * jwt-bearer grant (RFC 7523 §2.1): who vouched for the subject — the trusted issuer and the
   * operator's name for it — and by which profile. Never the assertion itself.
   */
  vouched_by: z
    .strictObject({
      profile: z.enum(['id-jag', 'workload']),
      connection: z.string().min(1).max(64),
      issuer: z.string().min(1).max(2048),
    })
    .optional(),
  /** How the subject's consent was given: `idp_policy` = an enterprise IdP's policy (ID-JAG), no consent page. */
  consent: z.enum(['idp_policy']).optional(),
});

export const tokenRefreshedData = z.strictObject({
  client_id: clientId,
  subject,
  scopes,
  resource,
  /** `jti` of the new access token. */
  jti,
  expires_at: numericDate,
  refresh_family_id: z.string().max(256),
});

/** A token request refused at the token endpoint (RFC 6749 §5.2). */
export const tokenRejectedData = z.strictObject({
  grant_type: z.string().max(128).optional(),
  client_id: clientId.optional(),
  error: oauthError,
  error_description: description,
});

/** RFC 9700 §4.14.2: a rotated refresh token came back after its grace window. */
export const refreshTokenReuseDetectedData = z.strictObject({
  client_id: clientId,
  subject,
  refresh_family_id: z.string().max(256),
  /** Access tokens of the family revoked as a consequence (also sent as auth.token.revoked). */
  revoked_jtis: z.array(jti).max(1000),
});

/**
 * Tokens that must no longer be accepted (RFC 7009). Resource servers reject every listed
 * `jti` until `expires_at`, the latest expiry among them: after that the tokens are dead anyway
 * and may be forgotten.
 */
export const tokenRevokedData = z
  .strictObject({
    client_id: clientId,
    subject: subject.optional(),
    /** Access token ids to reject. May be empty when only a refresh family was revoked. */
    jtis: z.array(jti).max(1000),
    refresh_family_id: z.string().max(256).optional(),
    /**
     * Every access token of `client_id` whose `iat` is at or before this NumericDate is revoked,
     * whether or not its `jti` was ever stored (client_credentials tokens are not): the client
     * was disabled or deleted. Absent: only the tokens named by `jtis` and the family.
     */
    issued_through: numericDate.optional(),
    /**
     * `code_replay`: an authorization code came back a second time (RFC 6749 §4.1.2);
     * `client_disabled`: an operator disabled the client (with `issued_through`).
     */
    reason: z.enum(['client_request', 'refresh_reuse', 'code_replay', 'admin', 'client_deleted', 'client_disabled']),
    expires_at: numericDate,
  })
  .refine((d) => d.jtis.length > 0 || d.refresh_family_id !== undefined || d.issued_through !== undefined, {
    message: 'names no jti, no refresh family and no issued_through',
  });

/** RFC 7662: who asked about which token, and the answer. */
export const tokenIntrospectedData = z.strictObject({
  /** The client that called the introspection endpoint. */
  client_id: clientId,
  active: z.boolean(),
  jti: jti.optional(),
  /** `client_id` of the introspected token, when active. */
  token_client_id: clientId.optional(),
});

export const signingKeyRotatedData = z.strictObject({
  kid: z.string().max(256),
  alg: z.string().max(32),
  retired_kid: z.string().max(256).optional(),
});

/** An upstream of the MCP gateway, by name (libs/gateway-config). */
const upstream = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);

/**
 * A request the MCP server turned away (RFC 6750 §3.1: 401 invalid_token, 403 insufficient_scope),
 * or one the MCP gateway's limits refused (429 `rate_limited`, 503 `over_capacity`).
 */
export const mcpRequestDeniedData = z.strictObject({
  status: z.union([z.literal(401), z.literal(403), z.literal(429), z.literal(503)]),
  /**
   * `denied_by_policy`: the MCP gateway's policy refuses the tool whatever the token holds;
   * `rate_limited`: an upstream's per-subject or per-client rate limit; `over_capacity`: its
   * concurrency cap.
   */
  reason: z.enum([
    'missing_token',
    'invalid_token',
    'expired',
    'revoked',
    'wrong_audience',
    'insufficient_scope',
    'invalid_request',
    'denied_by_policy',
    'rate_limited',
    'over_capacity',
  ]),
  error_description: description.optional(),
  client_id: clientId.optional(),
  subject: subject.optional(),
  jti: jti.optional(),
  /** JSON-RPC method, e.g. `tools/call`, when the body could be read. */
  method: z.string().max(128).optional(),
  tool: z.string().max(128).optional(),
  required_scopes: scopes.optional(),
  /** The MCP gateway's upstream (`<name>` of `/<name>/mcp`); absent from the mcp-server's events. */
  upstream: upstream.optional(),
  /** A limit's refusals are counted: this event stands for `count` of them (see `count` above). */
  count: count.optional(),
});

export const mcpToolCalledData = z.strictObject({
  tool: z.string().min(1).max(128),
  outcome: z.enum(['success', 'error']),
  duration_ms: z.number().nonnegative(),
  client_id: clientId,
  subject,
  jti,
  /** Short machine-readable error when outcome is `error`. */
  error: z.string().max(128).optional(),
  /** The MCP gateway's upstream that ran the tool; absent from the mcp-server's events. */
  upstream: upstream.optional(),
});

/** The data schema of each type. `satisfies` makes a missing type a compile error. */
export const EVENT_DATA_SCHEMAS = {
  [EventType.ClientRegistered]: clientRegisteredData,
  [EventType.ClientRegistrationRejected]: clientRegistrationRejectedData,
  [EventType.ClientUpdated]: clientUpdatedData,
  [EventType.ClientDeleted]: clientDeletedData,
  [EventType.UserCreated]: userCreatedData,
  [EventType.UserUpdated]: userUpdatedData,
  [EventType.GrantRevoked]: grantRevokedData,
  [EventType.LoginSucceeded]: loginSucceededData,
  [EventType.LoginFailed]: loginFailedData,
  [EventType.FederatedLoginFailed]: federatedLoginFailedData,
  [EventType.ConsentGranted]: consentGrantedData,
  [EventType.ConsentDenied]: consentDeniedData,
  [EventType.AuthorizationDenied]: authorizationDeniedData,
  [EventType.CodeIssued]: codeIssuedData,
  [EventType.TokenIssued]: tokenIssuedData,
  [EventType.TokenRefreshed]: tokenRefreshedData,
  [EventType.TokenRejected]: tokenRejectedData,
  [EventType.RefreshTokenReuseDetected]: refreshTokenReuseDetectedData,
  [EventType.TokenRevoked]: tokenRevokedData,
  [EventType.TokenIntrospected]: tokenIntrospectedData,
  [EventType.SigningKeyRotated]: signingKeyRotatedData,
  [EventType.McpRequestDenied]: mcpRequestDeniedData,
  [EventType.McpToolCalled]: mcpToolCalledData,
} as const satisfies Record<EventTypeName, z.ZodType>;

export type EventDataMap = { [K in EventTypeName]: z.input<(typeof EVENT_DATA_SCHEMAS)[K]> };
export type EventData<T extends EventTypeName> = EventDataMap[T];
