import { ENTRY_OVERHEAD_BYTES, VerifiedTokenCache } from './verified-token-cache';
import type { Principal } from './principal';

const principal = (jti: string, expiresInMs: number): Principal => ({
  subject: 's',
  clientId: 'c',
  scopes: [],
  jti,
  issuedAt: Math.floor(Date.now() / 1000),
  expiresAt: new Date(Date.now() + expiresInMs),
  audience: 'http://r',
});
/** What one entry of principal('x', …) is estimated to cost. */
const ONE = ENTRY_OVERHEAD_BYTES + 3;
const MIB = 1024 * 1024;

describe('VerifiedTokenCache', () => {
  it('forgets an entry when its token expires', () => {
    const cache = new VerifiedTokenCache({ maxBytes: MIB });
    cache.set('t', principal('a', 1000));
    expect(cache.get('t')?.jti).toBe('a');
    expect(cache.get('t', Date.now() + 1001)).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.estimatedBytes).toBe(0);
  });

  it('keeps an entry for the clock tolerance past expiry, as a fresh verification would accept it', () => {
    const cache = new VerifiedTokenCache({ maxBytes: MIB, toleranceMs: 5000 });
    // One fixed instant: reading the clock twice made the 1 ms margin flaky on a loaded machine.
    const now = Date.now();
    cache.set('t', { ...principal('a', 0), expiresAt: new Date(now + 1000) });
    expect(cache.get('t', now + 5999)?.jti).toBe('a');
    expect(cache.get('t', now + 6001)).toBeUndefined();
  });

  it('answers only the exact token that was cached', () => {
    const cache = new VerifiedTokenCache({ maxBytes: MIB });
    const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';
    cache.set(token, principal('a', 60_000));
    expect(cache.get(token)?.jti).toBe('a');
    expect(cache.get(token.replace('eyJzdWIiOiJhIn0', 'eyJzdWIiOiJiIn0'))).toBeUndefined();
    expect(cache.get(`${token}x`)).toBeUndefined();
  });

  it('holds as many tokens as its memory budget allows, by their estimated size', () => {
    const cache = new VerifiedTokenCache({ maxBytes: 10 * ONE });
    for (let i = 0; i < 25; i++) cache.set(`t${i}`, principal(String(i % 10), 60_000));
    expect(cache.size).toBe(10);
    expect(cache.estimatedBytes).toBe(10 * ONE);
    expect(cache.get('t24')?.jti).toBe('4');
    expect(cache.get('t0')).toBeUndefined();
  });

  it('counts longer claims against the budget', () => {
    const cache = new VerifiedTokenCache({ maxBytes: 10 * ONE });
    const long = { ...principal('a', 60_000), subject: 's'.repeat(ONE) };
    cache.set('long', long);
    for (let i = 0; i < 10; i++) cache.set(`t${i}`, principal(String(i), 60_000));
    expect(cache.get('long')).toBeUndefined();
    expect(cache.size).toBe(10);
  });

  it('evicts the oldest entry not used since it was last passed over (second chance) when full', () => {
    const cache = new VerifiedTokenCache({ maxBytes: MIB, maxEntries: 2 });
    cache.set('a', principal('a', 60_000));
    cache.set('b', principal('b', 60_000));
    cache.get('a');
    cache.set('c', principal('c', 60_000));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.jti).toBe('a');
    expect(cache.get('c')?.jti).toBe('c');
  });

  it('evicts the oldest when every entry was used', () => {
    const cache = new VerifiedTokenCache({ maxBytes: 2 * ONE });
    cache.set('a', principal('a', 60_000));
    cache.set('b', principal('b', 60_000));
    cache.get('a');
    cache.get('b');
    cache.set('c', principal('c', 60_000));
    expect(cache.size).toBe(2);
    expect(cache.estimatedBytes).toBe(2 * ONE);
    expect(cache.get('c')?.jti).toBe('c');
    expect([cache.get('a'), cache.get('b')].filter(Boolean)).toHaveLength(1);
  });

  it('replaces an entry cached again without counting it twice', () => {
    const cache = new VerifiedTokenCache({ maxBytes: MIB });
    cache.set('a', principal('a', 60_000));
    cache.set('a', principal('b', 60_000));
    expect(cache.size).toBe(1);
    expect(cache.estimatedBytes).toBe(ONE);
    expect(cache.get('a')?.jti).toBe('b');
  });

  it('caches nothing when its budget or its size is 0', () => {
    for (const cache of [new VerifiedTokenCache({ maxBytes: 0 }), new VerifiedTokenCache({ maxBytes: MIB, maxEntries: 0 })]) {
      cache.set('a', principal('a', 60_000));
      expect(cache.get('a')).toBeUndefined();
      expect(cache.size).toBe(0);
    }
  });
});
