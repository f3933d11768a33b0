import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { AccessTokenVerifier, type VerificationResult } from './access-token-verifier';
import { InMemoryRevocationList } from './revocation-list';
import { TestIssuer, unsecuredToken } from '@portcullis/testing';

const RESOURCE = 'http://localhost:3000/mcp';

function reasonOf(result: VerificationResult): string {
  return result.ok ? 'accepted' : result.reason;
}

describe('AccessTokenVerifier', () => {
  let issuer: TestIssuer;
  let revocations: InMemoryRevocationList;
  let verifier: AccessTokenVerifier;
  const now = () => Math.floor(Date.now() / 1000);

  beforeAll(async () => {
    issuer = await new TestIssuer(RESOURCE).start();
  });
  afterAll(() => issuer.stop());
  beforeEach(() => {
    revocations = new InMemoryRevocationList();
    verifier = new AccessTokenVerifier({ issuer: issuer.issuer, resource: RESOURCE, revocations, clockToleranceSeconds: 5 });
  });

  it('accepts a valid token, discovering the JWKS from RFC 8414 metadata', async () => {
    const token = await issuer.mint();
    const result = await verifier.verify(token);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { jti, exp, iat } = decodeJwt(token);
    expect(result.principal).toEqual({
      subject: 'alice',
      clientId: 'client-1',
      scopes: ['sentiment:analyze', 'watchlist:read'],
      jti,
      issuedAt: iat,
      expiresAt: new Date((exp as number) * 1000),
      audience: RESOURCE,
    });
  });

  it('accepts typ application/at+jwt and an audience with a trailing slash', async () => {
    const token = await issuer.mint({ header: { typ: 'application/at+jwt' }, claims: { aud: `${RESOURCE}/` } });
    expect(reasonOf(await verifier.verify(token))).toBe('accepted');
  });

  it('treats a missing scope claim as no scopes', async () => {
    const result = await verifier.verify(await issuer.mint({ omit: ['scope'] }));
    expect(result.ok && result.principal.scopes).toEqual([]);
  });

  it('rejects a malformed token', async () => {
    expect(reasonOf(await verifier.verify('not-a-jwt'))).toBe('malformed');
    expect(reasonOf(await verifier.verify('a.b.c'))).toBe('malformed');
  });

  it('rejects an expired token', async () => {
    const token = await issuer.mint({ claims: { iat: now() - 700, exp: now() - 60 } });
    expect(reasonOf(await verifier.verify(token))).toBe('expired');
  });

  it('accepts a token expired by less than the clock tolerance', async () => {
    const token = await issuer.mint({ claims: { exp: now() - 2 } });
    expect(reasonOf(await verifier.verify(token))).toBe('accepted');
  });

  it('rejects a token that is not valid yet (nbf)', async () => {
    const token = await issuer.mint({ claims: { nbf: now() + 120 } });
    expect(reasonOf(await verifier.verify(token))).toBe('not_yet_valid');
  });

  it('rejects a token issued in the future (iat)', async () => {
    const token = await issuer.mint({ claims: { iat: now() + 120 } });
    expect(reasonOf(await verifier.verify(token))).toBe('issued_in_future');
  });

  it('rejects a token from another issuer', async () => {
    const token = await issuer.mint({ claims: { iss: 'http://evil.example' } });
    expect(reasonOf(await verifier.verify(token))).toBe('wrong_issuer');
  });

  it('rejects a token for another resource', async () => {
    const token = await issuer.mint({ claims: { aud: 'http://localhost:3100/audit' } });
    expect(reasonOf(await verifier.verify(token))).toBe('wrong_audience');
  });

  it('rejects a token that names this resource among others', async () => {
    const token = await issuer.mint({ claims: { aud: [RESOURCE, 'http://localhost:3100/audit'] } });
    expect(reasonOf(await verifier.verify(token))).toBe('wrong_audience');
  });

  it('rejects a tampered payload (signature no longer matches)', async () => {
    const [header, payload, signature] = (await issuer.mint()).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims.scope = 'sentiment:analyze sentiment:read watchlist:read watchlist:write';
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expect(reasonOf(await verifier.verify(forged))).toBe('bad_signature');
  });

  it('rejects a tampered signature', async () => {
    const token = await issuer.mint();
    const flipped = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(reasonOf(await verifier.verify(flipped))).toBe('bad_signature');
  });

  it('rejects alg none', async () => {
    const token = unsecuredToken(decodeJwt(await issuer.mint()));
    expect(reasonOf(await verifier.verify(token))).toBe('unsupported_algorithm');
  });

  it('rejects an HS256 token signed with the public key as the secret', async () => {
    const claims = decodeJwt(await issuer.mint());
    const secret = new TextEncoder().encode(JSON.stringify(issuer.publicKey));
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: issuer.kid }).sign(secret);
    expect(reasonOf(await verifier.verify(token))).toBe('unsupported_algorithm');
    const rawX = new TextEncoder().encode(issuer.publicKey.x as string);
    const token2 = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: issuer.kid }).sign(rawX);
    expect(reasonOf(await verifier.verify(token2))).toBe('unsupported_algorithm');
  });

  it('refuses to be configured with a symmetric algorithm', () => {
    expect(() => new AccessTokenVerifier({ issuer: issuer.issuer, resource: RESOURCE, algorithms: ['HS256' as 'EdDSA'] })).toThrow(
      /not allowed/,
    );
  });

  it('rejects a token of another type (an ID token)', async () => {
    const token = await issuer.mint({ header: { typ: 'JWT' } });
    expect(reasonOf(await verifier.verify(token))).toBe('unsupported_type');
  });

  it.each(['sub', 'client_id', 'jti', 'exp', 'iat'])('rejects a token without %s', async (claim) => {
    const token = await issuer.mint({ omit: [claim] });
    expect(reasonOf(await verifier.verify(token))).toBe('missing_claim');
  });

  it('rejects an unknown kid, and refetches the JWKS at most once per cooldown', async () => {
    await verifier.verify(await issuer.mint()); // warms the key set
    const before = issuer.jwksFetches;
    const first = await verifier.verify(await issuer.mint({ kid: 'unknown-1' }));
    expect(reasonOf(first)).toBe('unknown_key');
    // A flood of unknown kids right after: the cooldown (30 s default) stops further fetches.
    for (let i = 0; i < 20; i++) {
      expect(reasonOf(await verifier.verify(await issuer.mint({ kid: `unknown-${randomUUID()}` })))).toBe('unknown_key');
    }
    expect(issuer.jwksFetches - before).toBeLessThanOrEqual(1);
  });

  it('refetches the JWKS for an unknown kid once the cooldown has passed', async () => {
    const quick = new AccessTokenVerifier({ issuer: issuer.issuer, resource: RESOURCE, jwksCooldownSeconds: 0.05 });
    await quick.verify(await issuer.mint());
    const before = issuer.jwksFetches;
    await new Promise((r) => setTimeout(r, 100));
    expect(reasonOf(await quick.verify(await issuer.mint({ kid: 'rotated-away' })))).toBe('unknown_key');
    expect(issuer.jwksFetches - before).toBe(1);
  });

  it('reports keys_unavailable when the issuer cannot be reached', async () => {
    const offline = new AccessTokenVerifier({ issuer: 'http://127.0.0.1:9', resource: RESOURCE, fetchTimeoutMs: 500 });
    expect(reasonOf(await offline.verify(await issuer.mint()))).toBe('keys_unavailable');
  });

  it('serves repeated verifications from the cache, but still honours revocation', async () => {
    const token = await issuer.mint();
    expect(reasonOf(await verifier.verify(token))).toBe('accepted');
    const fetches = issuer.jwksFetches;
    expect(reasonOf(await verifier.verify(token))).toBe('accepted');
    revocations.revoke(decodeJwt(token).jti as string, new Date(Date.now() + 60_000));
    expect(reasonOf(await verifier.verify(token))).toBe('revoked');
    expect(issuer.jwksFetches).toBe(fetches);
  });

  it('answers a token verified before synchronously, and only that token', async () => {
    const token = await issuer.mint();
    expect(verifier.verifyCached(token)).toBeUndefined();
    expect(reasonOf(await verifier.verify(token))).toBe('accepted');
    const hit = verifier.verifyCached(token);
    expect(hit && reasonOf(hit)).toBe('accepted');
    expect(verifier.verifyCached(await issuer.mint())).toBeUndefined();
    revocations.revoke(decodeJwt(token).jti as string, new Date(Date.now() + 60_000));
    const revoked = verifier.verifyCached(token);
    expect(revoked && reasonOf(revoked)).toBe('revoked');
  });

  it('gives tokens with the same scope claim one shared, frozen scope list', async () => {
    const [a, b] = await Promise.all([verifier.verify(await issuer.mint()), verifier.verify(await issuer.mint())]);
    expect(a.ok && b.ok && a.principal.scopes === b.principal.scopes).toBe(true);
    expect(a.ok && Object.isFrozen(a.principal.scopes)).toBe(true);
  });

  it('remembers nothing when its memory budget is 0', async () => {
    const uncached = new AccessTokenVerifier({ issuer: issuer.issuer, resource: RESOURCE, cacheBytes: 0 });
    const token = await issuer.mint();
    expect(reasonOf(await uncached.verify(token))).toBe('accepted');
    expect(uncached.verifyCached(token)).toBeUndefined();
  });

  describe('a client-wide cutoff (its client disabled or deleted)', () => {
    const until = () => new Date(Date.now() + 700_000);

    it('refuses a cached token of that client at once, and never another client\'s', async () => {
      const mine = await issuer.mint({ claims: { client_id: 'robot' } });
      const other = await issuer.mint({ claims: { client_id: 'other-robot' } });
      expect(reasonOf(await verifier.verify(mine))).toBe('accepted');
      expect(reasonOf(await verifier.verify(other))).toBe('accepted');
      revocations.revokeClient('robot', now(), until());
      const hit = verifier.verifyCached(mine);
      expect(hit && reasonOf(hit)).toBe('revoked');
      expect(!hit?.ok && hit?.principal?.clientId).toBe('robot');
      expect(reasonOf(await verifier.verify(other))).toBe('accepted');
    });

    it('compares iat at or before: a token minted in the cutoff\'s own second is refused, one a second later accepted', async () => {
      const t = now() - 10;
      revocations.revokeClient('robot', t, until());
      expect(reasonOf(await verifier.verify(await issuer.mint({ claims: { client_id: 'robot', iat: t - 1 } })))).toBe('revoked');
      expect(reasonOf(await verifier.verify(await issuer.mint({ claims: { client_id: 'robot', iat: t } })))).toBe('revoked');
      expect(reasonOf(await verifier.verify(await issuer.mint({ claims: { client_id: 'robot', iat: t + 1 } })))).toBe('accepted');
    });

    it('is forgotten once every token it covers has expired', async () => {
      revocations.revokeClient('robot', now(), new Date(Date.now() - 1));
      expect(reasonOf(await verifier.verify(await issuer.mint({ claims: { client_id: 'robot', iat: now() - 5 } })))).toBe('accepted');
    });
  });

  it('rejects a revoked token on first sight', async () => {
    const token = await issuer.mint();
    revocations.revoke(decodeJwt(token).jti as string);
    expect(reasonOf(await verifier.verify(token))).toBe('revoked');
  });

  it('names whose token it was when a genuine token is refused as revoked or expired, and only then', async () => {
    const revoked = await issuer.mint();
    revocations.revoke(decodeJwt(revoked).jti as string);
    const r1 = await verifier.verify(revoked);
    expect(!r1.ok && r1.principal?.jti).toBe(decodeJwt(revoked).jti);

    const expired = await issuer.mint({ claims: { iat: now() - 700, exp: now() - 60 } });
    const r2 = await verifier.verify(expired);
    expect(!r2.ok && r2.reason).toBe('expired');
    expect(!r2.ok && r2.principal?.jti).toBe(decodeJwt(expired).jti);

    // A forged signature names nobody, whatever its claims say.
    const [h, p] = expired.split('.');
    const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`;
    const r3 = await verifier.verify(forged);
    expect(!r3.ok && r3.principal).toBeUndefined();
  });
});
