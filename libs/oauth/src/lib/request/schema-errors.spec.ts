import fc from 'fast-check';
import { z } from 'zod';
import { OAuthError } from '../oauth-error';
import { optionalParameter, requiredParameter } from './form-parameter';
import { addOAuthIssue, IssueMapping, parseRequest } from './schema-errors';

const mapping: IssueMapping = { fallback: 'invalid_request', fields: { scope: 'invalid_scope' } };
const schema = z
  .object({
    code: requiredParameter('code'),
    scope: optionalParameter('scope').refine((s) => s !== 'bad', 'scope is malformed'),
    count: z.number().optional(),
    resource: optionalParameter('resource'),
  })
  .superRefine((v, ctx) => {
    if (v.resource === 'elsewhere') addOAuthIssue(ctx, 'resource is not served here', ['resource'], 'invalid_target');
  });

function refusal(input: unknown): { error: string; description: string } {
  try {
    parseRequest(schema, input, mapping);
  } catch (err) {
    if (err instanceof OAuthError) return { error: err.error, description: err.description };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('parseRequest (one mapping from schema issues to OAuth errors)', () => {
  it('returns the typed value, blanks treated as omitted and unknown parameters dropped', () => {
    expect(parseRequest(schema, { code: 'c', scope: '', extra: 'x' }, mapping)).toEqual({ code: 'c' });
  });

  it('says which parameter is missing or repeated (RFC 6749 §3.1)', () => {
    expect(refusal({})).toEqual({ error: 'invalid_request', description: "missing required parameter 'code'" });
    expect(refusal({ code: ['a', 'b'] })).toEqual({ error: 'invalid_request', description: "parameter 'code' must be given once, as a string" });
  });

  it("uses the field's code, a rule's own code, and the fallback otherwise", () => {
    expect(refusal({ code: 'c', scope: 'bad' })).toEqual({ error: 'invalid_scope', description: 'scope is malformed' });
    expect(refusal({ code: 'c', resource: 'elsewhere' })).toEqual({ error: 'invalid_target', description: 'resource is not served here' });
    expect(refusal({ code: 'c', count: 'x' })).toEqual({ error: 'invalid_request', description: "parameter 'count' must be a number" });
    expect(refusal([])).toEqual({ error: 'invalid_request', description: 'the request must be an object' });
  });

  it('any input (fast-check): a value or a 400 OAuth error naming a field, never another exception', () => {
    const value = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), fc.integer(), fc.constant(null), fc.object());
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('code', 'scope', 'count', 'resource', 'other'), value), (input) => {
        try {
          parseRequest(schema, input, mapping);
        } catch (err) {
          expect(err).toBeInstanceOf(OAuthError);
          const { status, description } = err as OAuthError;
          expect(status).toBe(400);
          expect(description).toMatch(/code|scope|count|resource/);
        }
      }),
    );
  });
});
