import { z } from 'zod';
import { OAuthError, OAuthErrorCode } from '../oauth-error';

/**
 * Which OAuth error a refused request means at one endpoint: a code for particular top-level
 * fields, and a fallback for every other field. Examples: at /register `redirect_uris` is
 * `invalid_redirect_uri` and everything else `invalid_client_metadata` (RFC 7591 §3.2.2); at
 * /token a bad `scope` is `invalid_scope` (RFC 6749 §5.2) and the rest `invalid_request`.
 */
export interface IssueMapping {
  readonly fallback: OAuthErrorCode;
  readonly fields?: Readonly<Partial<Record<string, OAuthErrorCode>>>;
}

/** What a schema rule attaches to an issue when it decides the error code itself. */
interface OAuthIssueParams {
  oauthError?: OAuthErrorCode;
}

/**
 * Adds an issue to a refinement's context. `error` overrides the endpoint's mapping for this
 * one rule, e.g. a repeated `resource` at the client credentials grant is `invalid_target`
 * (RFC 8707 §2) where every other repeated parameter is `invalid_request`.
 */
export function addOAuthIssue(ctx: z.RefinementCtx, message: string, path: PropertyKey[] = [], error?: OAuthErrorCode): void {
  const params: OAuthIssueParams = error ? { oauthError: error } : {};
  ctx.addIssue({ code: 'custom', message, path, params });
}

/** For a transform that refuses its input: adds the issue and ends the field's parsing. */
export function refuse(ctx: z.RefinementCtx, message: string, error?: OAuthErrorCode): never {
  addOAuthIssue(ctx, message, [], error);
  return z.NEVER;
}

/** The name of the refused field, as the client wrote it: `redirect_uris`, `jwks.keys`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.filter((p) => typeof p === 'string').join('.');
}

/**
 * The message for an issue no rule worded itself (every rule of ours gives its own): it names
 * the field, so the client knows what to fix, and never echoes the value.
 */
function fallbackMessage(issue: z.core.$ZodRawIssue): string {
  const field = fieldName(issue.path ?? []);
  const subject = field ? `parameter '${field}'` : 'the request';
  if (issue.code !== 'invalid_type') return `${subject} is invalid`;
  const article = /^[aeiou]/.test(issue.expected) ? 'an' : 'a';
  return `${subject} must be ${article} ${issue.expected}`;
}

/** The one mapping from a schema issue to the OAuth error that names the field. */
export function oauthErrorFromIssue(issue: z.core.$ZodIssue, mapping: IssueMapping): OAuthError {
  const own = issue.code === 'custom' ? (issue.params as OAuthIssueParams | undefined)?.oauthError : undefined;
  const field = typeof issue.path[0] === 'string' ? issue.path[0] : undefined;
  const code = own ?? (field !== undefined ? mapping.fields?.[field] : undefined) ?? mapping.fallback;
  return new OAuthError(code, issue.message);
}

/**
 * Reads a request through its schema: the typed value, or the OAuth error for the first
 * issue (fields are checked in the schema's order, cross-field rules after them). zod walks
 * each field once, so the cost is linear in the fields the schema names; unknown parameters
 * are ignored (RFC 6749 §3.1, RFC 7591 §2) and never copied into the result.
 */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown, mapping: IssueMapping): z.output<S> {
  const result = schema.safeParse(input, { error: fallbackMessage });
  if (result.success) return result.data;
  throw oauthErrorFromIssue(result.error.issues[0], mapping);
}
