import { OAuthError } from '@portcullis/oauth';
import { parseForm, requireParams, singleParams } from './form-body';

describe('form parameters', () => {
  it('keeps repeated parameters visible', () => {
    expect(parseForm('a=1&b=2&a=3')).toEqual({ a: ['1', '3'], b: '2' });
  });

  it('refuses a repeated parameter (RFC 6749 §3.2)', () => {
    expect(() => singleParams(parseForm('scope=a&scope=b'), ['scope'])).toThrow(OAuthError);
  });

  it('treats empty values as omitted and reports the missing one', () => {
    expect(singleParams(parseForm('a=&b=x'), ['a', 'b'])).toEqual({ b: 'x' });
    expect(() => requireParams(parseForm('a='), ['a'], ['a'])).toThrow("missing required parameter 'a'");
  });

  it('refuses non-string JSON values', () => {
    expect(() => singleParams({ a: { nested: true } }, ['a'])).toThrow(OAuthError);
  });
});
