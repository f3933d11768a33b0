import { z } from 'zod';
import { addOAuthIssue, givenOnce, IssueMapping, isValidCodeVerifier, optionalParameter, requiredParameter } from '@portcullis/oauth';

/**
 * The grant type, read first: an unsupported one is `unsupported_grant_type` (RFC 6749 §5.2),
 * decided by the endpoint's handlers and reported with the grant type as given; a missing or
 * repeated one is `invalid_request` like any other parameter.
 */
export const grantTypeRequestSchema = z.object({ grant_type: requiredParameter('grant_type') });

/** RFC 6749 §4.1.3 with PKCE (RFC 7636 §4.5) and the resource indicator (RFC 8707 §2.2). */
export const authorizationCodeRequestSchema = z.object({
  code: requiredParameter('code'),
  redirect_uri: optionalParameter('redirect_uri'),
  code_verifier: requiredParameter('code_verifier', "missing required parameter 'code_verifier' (PKCE)").refine(isValidCodeVerifier, 'code_verifier is malformed'),
  resource: optionalParameter('resource'),
});

/** RFC 6749 §6, with the resource indicator (RFC 8707 §2.2). */
export const refreshTokenRequestSchema = z.object({
  refresh_token: requiredParameter('refresh_token'),
  scope: optionalParameter('scope'),
  resource: optionalParameter('resource'),
});

/**
 * RFC 6749 §4.4.2. A token is for one audience (RFC 8707 §2: the server may refuse more than
 * one `resource` with `invalid_target`), so naming several is that error, not a repeat.
 */
export const clientCredentialsRequestSchema = z.object({
  scope: optionalParameter('scope'),
  resource: z.unknown().optional().superRefine((value, ctx) => {
    if (Array.isArray(value)) addOAuthIssue(ctx, 'exactly one resource may be requested per token', [], 'invalid_target');
    else if (value !== undefined && typeof value !== 'string') addOAuthIssue(ctx, givenOnce('resource'));
  }).transform((value) => (value === '' ? undefined : (value as string | undefined))),
});

/** A JWT is a few hundred bytes to a few KiB; anything longer is refused before it is decoded. */
export const MAX_ASSERTION_LENGTH = 8192;

/**
 * RFC 7523 §2.1 (grant_type jwt-bearer): the `assertion`, and `scope` and `resource` as for
 * client_credentials. `client_id` is read too: a workload (MCP WIF) may name the client its
 * assertion maps to, and then it must be that one.
 */
export const jwtBearerRequestSchema = z.object({
  assertion: requiredParameter('assertion').refine((a) => a.length <= MAX_ASSERTION_LENGTH, `assertion must be at most ${MAX_ASSERTION_LENGTH} characters`),
  scope: clientCredentialsRequestSchema.shape.scope,
  resource: clientCredentialsRequestSchema.shape.resource,
  client_id: optionalParameter('client_id'),
});

export type AuthorizationCodeRequest = z.output<typeof authorizationCodeRequestSchema>;
export type RefreshTokenRequest = z.output<typeof refreshTokenRequestSchema>;
export type ClientCredentialsRequest = z.output<typeof clientCredentialsRequestSchema>;
export type JwtBearerParameters = z.output<typeof jwtBearerRequestSchema>;

/** Every refusal of a token request's own parameters is `invalid_request` unless a rule says otherwise. */
export const TOKEN_REQUEST_ERRORS: IssueMapping = { fallback: 'invalid_request' };
