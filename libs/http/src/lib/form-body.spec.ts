import { z } from 'zod';
import { InvalidRequest, OAuthError, optionalParameter, parseRequest, requiredParameter } from '@portcullis/oauth';
import { MAX_FORM_PARAMETERS, MAX_VALUES_PER_NAME, parseForm } from './form-body';

/** A parsed form read through a schema of single-valued parameters, as the endpoints read theirs. */
const read = (source: unknown, required = false) =>
  parseRequest(z.object({ a: required ? requiredParameter('a') : optionalParameter('a'), b: optionalParameter('b') }), source, { fallback: 'invalid_request' });

describe('form parameters', () => {
  it('keeps repeated parameters visible', () => {
    expect(parseForm('a=1&b=2&a=3')).toEqual({ a: ['1', '3'], b: '2' });
  });

  it('refuses a repeated parameter (RFC 6749 §3.2)', () => {
    expect(() => read(parseForm('a=1&a=2'))).toThrow(OAuthError);
  });

  it('treats empty values as omitted and reports the missing one', () => {
    expect(read(parseForm('a=&b=x'))).toEqual({ b: 'x' });
    expect(() => read(parseForm('a='), true)).toThrow("missing required parameter 'a'");
  });

  it('refuses non-string JSON values', () => {
    expect(() => read({ a: { nested: true } })).toThrow(OAuthError);
  });

  it(`accepts ${MAX_FORM_PARAMETERS} parameters and refuses one more as invalid_request`, () => {
    const pairs = (n: number) => Array.from({ length: n }, (_, i) => `p${i}=v`).join('&');
    expect(Object.keys(parseForm(pairs(MAX_FORM_PARAMETERS)))).toHaveLength(MAX_FORM_PARAMETERS);
    expect(() => parseForm(pairs(MAX_FORM_PARAMETERS + 1))).toThrow(InvalidRequest);
    expect(() => parseForm(pairs(MAX_FORM_PARAMETERS + 1))).toThrow(`more than ${MAX_FORM_PARAMETERS} parameters`);
  });

  it('counts pairs as URLSearchParams does: empty segments between & are not parameters', () => {
    const text = `${'&'.repeat(1000)}a=1${'&'.repeat(1000)}`;
    expect(parseForm(text)).toEqual({ a: '1' });
  });

  it(`accepts a name ${MAX_VALUES_PER_NAME} times and refuses it a further time`, () => {
    const repeated = (n: number) => Array.from({ length: n }, (_, i) => `resource=r${i}`).join('&');
    expect(parseForm(repeated(MAX_VALUES_PER_NAME)).resource).toHaveLength(MAX_VALUES_PER_NAME);
    expect(() => parseForm(repeated(MAX_VALUES_PER_NAME + 1))).toThrow(InvalidRequest);
  });

  it('refuses the 64 KB body of a&a&a… that took 8 s on the token endpoint', () => {
    const hostile = `${'a&'.repeat(32 * 1024 - 1)}a`;
    expect(() => parseForm(hostile)).toThrow(InvalidRequest);
  });

  it('treats __proto__ and constructor as ordinary names', () => {
    const parsed = parseForm('__proto__=x&constructor=y');
    expect(parsed.__proto__).toBe('x');
    expect(parsed.constructor).toBe('y');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
