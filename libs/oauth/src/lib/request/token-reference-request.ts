import { z } from 'zod';
import { optionalParameter, requiredParameter } from './form-parameter';
import { IssueMapping } from './schema-errors';

/**
 * The body of a revocation (RFC 7009 §2.1) or introspection (RFC 7662 §2.1) request: the
 * token, REQUIRED, and an OPTIONAL `token_type_hint`. Client credentials in the body are
 * read by client authentication, not here.
 */
export const tokenReferenceRequestSchema = z.object({
  token: requiredParameter('token'),
  token_type_hint: optionalParameter('token_type_hint'),
});

export type TokenReferenceRequest = z.output<typeof tokenReferenceRequestSchema>;

/** RFC 7009 §2.2.1 / RFC 7662 §2.3: a malformed request is `invalid_request`. */
export const TOKEN_REFERENCE_ERRORS: IssueMapping = { fallback: 'invalid_request' };
