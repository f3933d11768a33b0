import { isValidCodeChallenge, isValidCodeVerifier, verifyS256 } from './pkce';

describe('PKCE S256', () => {
  // RFC 7636 Appendix B test vector.
  const verifier = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('verifies the RFC 7636 appendix B example', () => expect(verifyS256(verifier, challenge)).toBe(true));
  it('refuses a wrong verifier', () => expect(verifyS256(verifier.replace('d', 'e'), challenge)).toBe(false));
  it('refuses the challenge itself as verifier (plain downgrade)', () => expect(verifyS256(challenge, challenge)).toBe(false));
  it('checks shapes', () => {
    expect(isValidCodeChallenge(challenge)).toBe(true);
    expect(isValidCodeChallenge('short')).toBe(false);
    expect(isValidCodeVerifier('a'.repeat(42))).toBe(false);
    expect(isValidCodeVerifier('a'.repeat(129))).toBe(false);
    expect(isValidCodeVerifier('a'.repeat(43) + '!')).toBe(false);
  });
});
