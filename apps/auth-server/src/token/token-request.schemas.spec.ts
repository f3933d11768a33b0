import fc from 'fast-check';
import { z } from 'zod';
import { OAuthError, parseRequest } from '@portcullis/oauth';
import {
  authorizationCodeRequestSchema,
  clientCredentialsRequestSchema,
  grantTypeRequestSchema,
  refreshTokenRequestSchema,
  TOKEN_REQUEST_ERRORS,
} from './token-request.schemas';

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';

function refusal(schema: z.ZodType, body: Record<string, unknown>): { error: string; description: string } {
  try {
    parseRequest(schema, body, TOKEN_REQUEST_ERRORS);
  } catch (err) {
    if (err instanceof OAuthError) return { error: err.error, description: err.description };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('token request schemas (RFC 6749 §4.1.3, §4.4.2, §6)', () => {
  it('reads each grant into its typed request, empty values as omitted', () => {
    expect(parseRequest(authorizationCodeRequestSchema, { code: 'c', code_verifier: VERIFIER, redirect_uri: '', x: 'y' }, TOKEN_REQUEST_ERRORS)).toEqual({
      code: 'c',
      code_verifier: VERIFIER,
    });
    expect(parseRequest(refreshTokenRequestSchema, { refresh_token: 'r', scope: 'a b' }, TOKEN_REQUEST_ERRORS)).toEqual({ refresh_token: 'r', scope: 'a b' });
    expect(parseRequest(clientCredentialsRequestSchema, { resource: '' }, TOKEN_REQUEST_ERRORS)).toEqual({});
  });

  it('names the missing, repeated or malformed parameter', () => {
    expect(refusal(grantTypeRequestSchema, {})).toEqual({ error: 'invalid_request', description: "missing required parameter 'grant_type'" });
    expect(refusal(authorizationCodeRequestSchema, { code: 'c' })).toEqual({ error: 'invalid_request', description: "missing required parameter 'code_verifier' (PKCE)" });
    expect(refusal(authorizationCodeRequestSchema, { code: 'c', code_verifier: 'short' })).toEqual({ error: 'invalid_request', description: 'code_verifier is malformed' });
    expect(refusal(refreshTokenRequestSchema, { refresh_token: ['a', 'b'] })).toEqual({
      error: 'invalid_request',
      description: "parameter 'refresh_token' must be given once, as a string",
    });
  });

  it('refuses several resources at the client credentials grant as invalid_target (RFC 8707 §2)', () => {
    expect(refusal(clientCredentialsRequestSchema, { resource: ['https://a.example', 'https://b.example'] })).toEqual({
      error: 'invalid_target',
      description: 'exactly one resource may be requested per token',
    });
  });

  it('any form body (fast-check): a typed request or a 400 invalid_request / invalid_target naming a parameter', () => {
    const names = ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'refresh_token', 'scope', 'resource', 'other'];
    const value = fc.oneof(fc.string({ maxLength: 50 }), fc.array(fc.string({ maxLength: 10 }), { minLength: 2, maxLength: 3 }), fc.constant(VERIFIER));
    const schemas = [grantTypeRequestSchema, authorizationCodeRequestSchema, refreshTokenRequestSchema, clientCredentialsRequestSchema];
    fc.assert(
      fc.property(fc.constantFrom(...schemas), fc.dictionary(fc.constantFrom(...names), value), (schema, body) => {
        try {
          parseRequest(schema, body, TOKEN_REQUEST_ERRORS);
        } catch (err) {
          expect(err).toBeInstanceOf(OAuthError);
          const { error, status, description } = err as OAuthError;
          expect(status).toBe(400);
          expect(['invalid_request', 'invalid_target']).toContain(error);
          expect(description).toMatch(/\b(grant_type|code|code_verifier|redirect_uri|refresh_token|scope|resource)\b/);
        }
      }),
    );
  });
});
