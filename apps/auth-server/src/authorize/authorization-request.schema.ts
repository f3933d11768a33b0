import { z } from 'zod';
import { addOAuthIssue, givenOnce, IssueMapping, isValidCodeChallenge, OAuthErrorCode, optionalParameter, requiredParameter } from '@portcullis/oauth';
import { AUTHORIZATION_PARAMETER_LIMITS, LimitedParameter, limitMessage } from './authorization-parameter-limits';

/** A parameter's schema with its length cap (authorization-parameter-limits.ts). */
function capped<S extends z.ZodType<string | undefined>>(name: LimitedParameter, schema: S) {
  return schema.refine((value) => value === undefined || value.length <= AUTHORIZATION_PARAMETER_LIMITS[name], limitMessage(name));
}

const optional = (name: LimitedParameter) => capped(name, optionalParameter(name));

/** A parameter this server does not offer (not in its metadata): refused by name, never ignored. */
function unsupported(name: string, error: OAuthErrorCode, message: string) {
  return z.unknown().optional().superRefine((value, ctx) => {
    if (Array.isArray(value)) addOAuthIssue(ctx, givenOnce(name));
    else if (value !== undefined) addOAuthIssue(ctx, message, [], error);
  });
}

/** One of `allowed`, or absent; `message` says which values are. */
function oneOf(name: LimitedParameter, allowed: readonly string[], message: string) {
  return optional(name).refine((value) => value === undefined || allowed.includes(value), message);
}

/**
 * The client's identity (RFC 6749 §4.1.1): answered on a page when wrong, since the client
 * cannot be told by redirect until it and its redirect URI are known (§4.1.2.1). Read one at
 * a time, the client first.
 */
export const clientIdParameterSchema = z.object({
  client_id: z.unknown().superRefine((value, ctx) => {
    if (Array.isArray(value)) addOAuthIssue(ctx, 'client_id was given more than once.');
    else if (typeof value !== 'string' || value === '') addOAuthIssue(ctx, 'The request names no client (client_id is missing).');
    else if (value.length > AUTHORIZATION_PARAMETER_LIMITS.client_id) addOAuthIssue(ctx, `The request is invalid: ${limitMessage('client_id')}.`);
  }).transform((value) => value as string),
});

export const redirectUriParameterSchema = z.object({
  redirect_uri: z.unknown().superRefine((value, ctx) => {
    if (Array.isArray(value)) addOAuthIssue(ctx, 'redirect_uri was given more than once.');
    else if (typeof value === 'string' && value.length > AUTHORIZATION_PARAMETER_LIMITS.redirect_uri) {
      addOAuthIssue(ctx, `The request is invalid: ${limitMessage('redirect_uri')}.`);
    }
  }).transform((value) => (typeof value === 'string' && value !== '' ? value : undefined)),
});

/** The client_id as given, whatever its length, for telling refused requests apart in the audit trail. */
export const givenClientId = z.string().optional().catch(undefined);

/** `state` as it may be echoed with an error (RFC 6749 §4.1.2.1): one string within its cap, or nothing. */
export const echoableState = z.string().max(AUTHORIZATION_PARAMETER_LIMITS.state).optional().catch(undefined);

/**
 * Every other parameter of the authorization request (OAuth 2.1 §4.1.1, PKCE RFC 7636 §4.3,
 * resource RFC 8707 §2). Each is given at most once (RFC 6749 §3.1) and within its cap.
 * Whether the scope and resource are allowed is the scope policy's and resource registry's
 * question, asked once the client is known.
 */
export const authorizationParametersSchema = z
  .object({
    state: optional('state'),
    request: unsupported('request', 'request_not_supported', 'request objects are not supported'),
    request_uri: unsupported('request_uri', 'request_uri_not_supported', 'request_uri is not supported'),
    response_type: capped('response_type', requiredParameter('response_type')).superRefine((value, ctx) => {
      if (value !== 'code') addOAuthIssue(ctx, 'only response_type=code is supported', [], 'unsupported_response_type');
    }),
    response_mode: oneOf('response_mode', ['query'], 'only response_mode=query is supported'),
    // OAuth 2.1 §4.1.1 and the MCP spec: PKCE is required, and only S256 is accepted.
    code_challenge: capped('code_challenge', requiredParameter('code_challenge', 'code_challenge is required (PKCE)')),
    // RFC 7636 §4.3: an absent method means "plain", which is not accepted.
    code_challenge_method: capped('code_challenge_method', requiredParameter('code_challenge_method', 'code_challenge_method must be S256')).refine(
      (method) => method === 'S256',
      'code_challenge_method must be S256',
    ),
    scope: optional('scope'),
    resource: optional('resource'),
    prompt: oneOf('prompt', ['none', 'login', 'consent'], 'prompt must be none, login or consent').transform(
      (prompt) => prompt as 'none' | 'login' | 'consent' | undefined,
    ),
  })
  .superRefine((request, ctx) => {
    if (!isValidCodeChallenge(request.code_challenge)) addOAuthIssue(ctx, 'code_challenge is malformed', ['code_challenge']);
  });

export type AuthorizationParameters = z.output<typeof authorizationParametersSchema>;

/** Redirected to the client with `state` and `iss` (RFC 6749 §4.1.2.1); invalid_request unless a rule says otherwise. */
export const AUTHORIZATION_REQUEST_ERRORS: IssueMapping = { fallback: 'invalid_request' };

/** Errors shown on a page name the parameter themselves; the code is not shown. */
export const AUTHORIZATION_PAGE_ERRORS: IssueMapping = { fallback: 'invalid_request' };
