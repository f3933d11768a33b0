import { VerifiedTokenCache } from './verified-token-cache';
import type { Principal } from './principal';

const principal = (jti: string, expiresInMs: number): Principal => ({
  subject: 's',
  clientId: 'c',
  scopes: [],
  jti,
  expiresAt: new Date(Date.now() + expiresInMs),
  audience: 'http://r',
});

describe('VerifiedTokenCache', () => {
  it('forgets an entry when its token expires', () => {
    const cache = new VerifiedTokenCache(10);
    cache.set('t', principal('a', 1000));
    expect(cache.get('t')?.jti).toBe('a');
    expect(cache.get('t', Date.now() + 1001)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the oldest entry not used since it was last passed over (second chance) when full', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', principal('a', 60_000));
    cache.set('b', principal('b', 60_000));
    cache.get('a');
    cache.set('c', principal('c', 60_000));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.jti).toBe('a');
    expect(cache.get('c')?.jti).toBe('c');
  });

  it('evicts the oldest when every entry was used', () => {
    const cache = new VerifiedTokenCache(2);
    cache.set('a', principal('a', 60_000));
    cache.set('b', principal('b', 60_000));
    cache.get('a');
    cache.get('b');
    cache.set('c', principal('c', 60_000));
    expect(cache.size).toBe(2);
    expect(cache.get('c')?.jti).toBe('c');
    expect([cache.get('a'), cache.get('b')].filter(Boolean)).toHaveLength(1);
  });

  it('caches nothing when its size is 0', () => {
    const cache = new VerifiedTokenCache(0);
    cache.set('a', principal('a', 60_000));
    expect(cache.get('a')).toBeUndefined();
  });
});
