import { formatScope, parseScope } from './scope-string';

describe('scope strings', () => {
  it('splits, dedupes and ignores extra spaces', () => {
    expect(parseScope('a  b a')).toEqual(['a', 'b']);
    expect(parseScope(undefined)).toEqual([]);
  });
  it('rejects tokens with forbidden characters (RFC 6749 §3.3)', () => {
    expect(parseScope('a "b"')).toBeUndefined();
    expect(parseScope('a\\b')).toBeUndefined();
  });
  it('formats space-separated', () => expect(formatScope(['a', 'b', 'a'])).toBe('a b'));
});
