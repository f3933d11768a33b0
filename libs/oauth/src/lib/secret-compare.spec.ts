import { matchesDigest, secretsEqual, sha256Base64Url } from './secret-compare';

describe('secret comparison', () => {
  it('compares equal and unequal secrets of any length', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
  });
  it('matches a presented secret against its stored digest', () => {
    const d = sha256Base64Url('s3cret');
    expect(matchesDigest('s3cret', d)).toBe(true);
    expect(matchesDigest('s3cret!', d)).toBe(false);
    expect(matchesDigest('s3cret', 'short')).toBe(false);
  });
});
