import { isClientIdentityAssured } from './client-identity';

describe('isClientIdentityAssured (RFC 8252 §8.6)', () => {
  const publicClient = { trusted: false, tokenEndpointAuthMethod: 'none' as const };

  it('never assures a public client returning to a loopback address or a private-use scheme', () => {
    expect(isClientIdentityAssured(publicClient, 'http://127.0.0.1:6666/callback')).toBe(false);
    expect(isClientIdentityAssured(publicClient, 'http://localhost/cb')).toBe(false);
    expect(isClientIdentityAssured(publicClient, 'com.example.app:/cb')).toBe(false);
  });

  it('assures a public client returning to https, a confidential client, and a trusted one', () => {
    expect(isClientIdentityAssured(publicClient, 'https://app.example/cb')).toBe(true);
    expect(isClientIdentityAssured({ trusted: false, tokenEndpointAuthMethod: 'client_secret_basic' }, 'http://127.0.0.1/cb')).toBe(true);
    expect(isClientIdentityAssured({ trusted: true, tokenEndpointAuthMethod: 'none' }, 'http://127.0.0.1/cb')).toBe(true);
  });
});
