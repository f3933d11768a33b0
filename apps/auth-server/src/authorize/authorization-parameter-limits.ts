/**
 * The longest value (in characters) accepted for each authorization request parameter. An
 * authorization request is unauthenticated and its parameters are kept for the interaction's
 * lifetime (and some in audit events), so each is bounded by what a real client needs, never
 * by what fits in a URL. Values match the columns that store them.
 *
 * Over the limit: `client_id` and `redirect_uri` are answered on an error page (the client
 * cannot be told by redirect, RFC 6749 §4.1.2.1); any other parameter is `invalid_request`
 * at the redirect URI. An over-long `state` is not echoed.
 */
export const AUTHORIZATION_PARAMETER_LIMITS = {
  client_id: 255,
  redirect_uri: 2048,
  state: 1024,
  scope: 1024,
  resource: 2048,
  code_challenge: 128,
  code_challenge_method: 32,
  response_type: 32,
  response_mode: 32,
  prompt: 32,
} as const;

export type LimitedParameter = keyof typeof AUTHORIZATION_PARAMETER_LIMITS;

export function limitMessage(name: LimitedParameter): string {
  return `parameter '${name}' is longer than ${AUTHORIZATION_PARAMETER_LIMITS[name]} characters`;
}
