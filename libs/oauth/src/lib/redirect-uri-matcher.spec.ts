import { redirectUriMatches } from './redirect-uri-matcher';

describe('redirect URI matching', () => {
  it('matches exactly', () => {
    expect(redirectUriMatches('https://app.example/cb', 'https://app.example/cb')).toBe(true);
  });

  it.each([
    ['https://app.example/cb/', 'https://app.example/cb'],
    ['https://app.example/cb?x=1', 'https://app.example/cb'],
    ['https://APP.example/cb', 'https://app.example/cb'],
    ['https://app.example:8443/cb', 'https://app.example/cb'],
    ['https://app.example.evil/cb', 'https://app.example/cb'],
    ['http://app.example/cb', 'https://app.example/cb'],
  ])('refuses %s for %s', (presented, registered) => expect(redirectUriMatches(presented, registered)).toBe(false));

  it('lets loopback URIs use any port (RFC 8252 §7.3)', () => {
    expect(redirectUriMatches('http://127.0.0.1:53121/cb', 'http://127.0.0.1/cb')).toBe(true);
    expect(redirectUriMatches('http://localhost:8080/cb', 'http://localhost:3000/cb')).toBe(true);
    expect(redirectUriMatches('http://[::1]:9999/cb', 'http://[::1]/cb')).toBe(true);
  });

  it('keeps everything else exact for loopback URIs', () => {
    expect(redirectUriMatches('http://127.0.0.1:5000/other', 'http://127.0.0.1/cb')).toBe(false);
    expect(redirectUriMatches('http://localhost:5000/cb', 'http://127.0.0.1/cb')).toBe(false);
    expect(redirectUriMatches('https://127.0.0.1:5000/cb', 'http://127.0.0.1/cb')).toBe(false);
    expect(redirectUriMatches('http://127.0.0.1.evil.com:5000/cb', 'http://127.0.0.1/cb')).toBe(false);
  });
});
