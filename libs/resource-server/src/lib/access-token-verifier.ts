import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { canonicalResource } from '@portcullis/oauth';
import { InternedScopes } from './interned-scopes';
import { type Principal, type TokenFailureReason, TokenRejected } from './principal';
import { InMemoryRevocationList, isRevokedPrincipal, type RevocationList } from './revocation-list';
import { VerifiedTokenCache } from './verified-token-cache';

/** Asymmetric algorithms only: `none` and the HS* family can never be configured (RFC 8725 §3.1). */
export type AccessTokenAlgorithm = 'EdDSA' | 'ES256';

export interface AccessTokenVerifierOptions {
  /** The issuer identifier, compared exactly with `iss` (RFC 9068 §4). */
  issuer: string;
  /** This resource's identifier; `aud` must name it and nothing else (RFC 9068 §4, RFC 8707). */
  resource: string;
  /** Where the issuer's keys are; discovered from its RFC 8414 metadata when absent. */
  jwksUri?: string;
  /**
   * The issuer's published keys, read in-process instead of fetched: for the authorization
   * server when it is itself the resource (its admin API). Read on every fresh verification,
   * so the owner caches them (and a rotation is seen at once).
   */
  localKeys?: () => Promise<JSONWebKeySet>;
  algorithms?: AccessTokenAlgorithm[];
  /** Allowed clock difference for `exp`, `nbf` and `iat` (default 5 s: clocks of one deployment agree closely, and every second here lengthens a token's life). */
  clockToleranceSeconds?: number;
  /** After a key set fetch, an unknown `kid` refetches only once this has passed. */
  jwksCooldownSeconds?: number;
  /** The key set is refetched when older than this even if every `kid` is known. */
  jwksMaxAgeSeconds?: number;
  fetchTimeoutMs?: number;
  /** Memory budget of the verified-token cache in bytes (default 32 MiB); 0 disables the cache. */
  cacheBytes?: number;
  /** An optional cap on how many verified tokens to remember as well; 0 disables the cache. */
  cacheSize?: number;
  revocations?: RevocationList;
}

export type VerificationResult =
  | { ok: true; principal: Principal }
  /** `principal`: only for a genuine token refused as revoked or expired (for audit records). */
  | { ok: false; reason: TokenFailureReason; detail?: string; principal?: Principal };

/** Longer than any JWT our issuer mints by an order of magnitude; bigger is abuse. */
const MAX_TOKEN_LENGTH = 8192;
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;
/** ~65,000 tokens at the measured ~520 bytes per entry (bench/mcp/README.md). */
const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Verifies RFC 9068 JWT access tokens locally against the issuer's JWKS, so any number of
 * resource-server replicas can check tokens without calling the authorization server.
 *
 * Verified tokens are cached until they expire; revocation is consulted on every call.
 */
export class AccessTokenVerifier {
  private readonly issuer: string;
  private readonly audience: string;
  private readonly algorithms: AccessTokenAlgorithm[];
  private readonly tolerance: number;
  private readonly cache: VerifiedTokenCache;
  private readonly scopes = new InternedScopes();
  private keys?: Promise<JWTVerifyGetKey>;
  readonly revocations: RevocationList;

  constructor(private readonly options: AccessTokenVerifierOptions) {
    const audience = canonicalResource(options.resource);
    if (!audience) throw new Error(`not a valid resource identifier: ${options.resource}`);
    const algorithms = options.algorithms ?? ['EdDSA', 'ES256'];
    for (const alg of algorithms) {
      if (alg !== 'EdDSA' && alg !== 'ES256') throw new Error(`algorithm not allowed for access tokens: ${String(alg)}`);
    }
    this.issuer = options.issuer;
    this.audience = audience;
    this.algorithms = algorithms;
    this.tolerance = options.clockToleranceSeconds ?? 5;
    this.cache = new VerifiedTokenCache({
      maxBytes: options.cacheBytes ?? DEFAULT_CACHE_BYTES,
      maxEntries: options.cacheSize,
      toleranceMs: this.tolerance * 1000,
    });
    this.revocations = options.revocations ?? new InMemoryRevocationList();
  }

  /** The canonical identifier every accepted token's `aud` names. */
  get resource(): string {
    return this.audience;
  }

  async verify(token: string): Promise<VerificationResult> {
    return this.verifyCached(token) ?? this.verifyFresh(token);
  }

  /**
   * The answer for a token verified before and still cached, synchronously (no promise on the
   * hot path), or undefined when it has to be verified. Expiry and revocation are checked on
   * every hit; audience, issuer and signature were checked when it was cached.
   */
  verifyCached(token: string): VerificationResult | undefined {
    const cached = this.cache.get(token);
    if (!cached) return undefined;
    return isRevokedPrincipal(this.revocations, cached) ? { ok: false, reason: 'revoked', principal: cached } : { ok: true, principal: cached };
  }

  /** Verifies the signature and claims (RFC 9068 §4), then remembers an accepted token. */
  async verifyFresh(token: string): Promise<VerificationResult> {
    try {
      const principal = await this.verifyUncached(token);
      if (isRevokedPrincipal(this.revocations, principal)) return { ok: false, reason: 'revoked', principal };
      this.cache.set(token, principal);
      return { ok: true, principal };
    } catch (err) {
      if (err instanceof TokenRejected) return { ok: false, reason: err.reason, detail: err.detail };
      const failure = classifyJoseError(err);
      // jose checks claims only after the signature: an expired token's claims are genuine.
      const principal = err instanceof errors.JWTExpired ? this.expiredPrincipal(err.payload) : undefined;
      return { ok: false, ...failure, ...(principal ? { principal } : {}) };
    }
  }

  /** Forgets every cached verification (e.g. after the issuer rotated keys out in a hurry). */
  clearCache(): void {
    this.cache.clear();
  }

  private async verifyUncached(token: string): Promise<Principal> {
    if (token.length > MAX_TOKEN_LENGTH || !JWT_SHAPE.test(token)) throw new TokenRejected('malformed');
    const keys = await this.keySet();
    const { payload } = await jwtVerify(token, keys, {
      algorithms: this.algorithms,
      issuer: this.issuer,
      // RFC 9068 §4: `typ` must be at+jwt; jose also accepts the `application/` form.
      typ: 'at+jwt',
      clockTolerance: this.tolerance,
      requiredClaims: ['sub', 'client_id', 'jti', 'exp', 'iat'],
    });
    return this.toPrincipal(payload);
  }

  /** The principal of an expired token of ours for this resource, or undefined. */
  private expiredPrincipal(payload: JWTPayload): Principal | undefined {
    if (payload.iss !== this.issuer) return undefined;
    try {
      return this.toPrincipal(payload);
    } catch {
      return undefined;
    }
  }

  private toPrincipal(payload: JWTPayload): Principal {
    const { sub, jti, exp, iat, aud } = payload;
    const clientId = payload['client_id'];
    if (typeof sub !== 'string' || sub === '') throw new TokenRejected('missing_claim', 'sub');
    if (typeof clientId !== 'string' || clientId === '') throw new TokenRejected('missing_claim', 'client_id');
    if (typeof jti !== 'string' || jti === '') throw new TokenRejected('missing_claim', 'jti');
    if (typeof exp !== 'number') throw new TokenRejected('missing_claim', 'exp');
    // jose checks `iat` only together with maxTokenAge; a token from the future is refused here.
    if (typeof iat !== 'number') throw new TokenRejected('missing_claim', 'iat');
    if (iat > Date.now() / 1000 + this.tolerance) throw new TokenRejected('issued_in_future');
    // Exactly this resource: one audience, compared in canonical form (RFC 8707 §2). A token
    // that also names other resources could be replayed there, so it is refused.
    const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
    if (audiences.length !== 1 || canonicalResource(audiences[0]) !== this.audience) throw new TokenRejected('wrong_audience');
    const rawScope = payload['scope'];
    if (rawScope !== undefined && typeof rawScope !== 'string') throw new TokenRejected('malformed', 'scope');
    const scopes = this.scopes.parse(rawScope);
    if (!scopes) throw new TokenRejected('malformed', 'scope');
    return { subject: sub, clientId, scopes, jti, issuedAt: iat, expiresAt: new Date(exp * 1000), audience: this.audience };
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    const local = this.options.localKeys;
    if (local) return Promise.resolve(async (header, token) => createLocalJWKSet(await local())(header, token));
    if (!this.keys) {
      this.keys = this.discoverJwksUri().then((uri) =>
        createRemoteJWKSet(new URL(uri), {
          cooldownDuration: (this.options.jwksCooldownSeconds ?? 30) * 1000,
          cacheMaxAge: (this.options.jwksMaxAgeSeconds ?? 600) * 1000,
          timeoutDuration: this.options.fetchTimeoutMs ?? 5000,
        }),
      );
      // A failed discovery is retried by a later request, not cached forever.
      this.keys.catch(() => {
        this.keys = undefined;
      });
    }
    return this.keys;
  }

  /** RFC 8414 §3: the metadata sits at the well-known path inserted before the issuer's path. */
  private async discoverJwksUri(): Promise<string> {
    if (this.options.jwksUri) return this.options.jwksUri;
    const issuer = new URL(this.issuer);
    const path = issuer.pathname === '/' ? '' : issuer.pathname;
    const url = `${issuer.origin}/.well-known/oauth-authorization-server${path}`;
    let metadata: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 5000), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      metadata = (await res.json()) as typeof metadata;
    } catch (err) {
      throw new TokenRejected('keys_unavailable', `metadata ${url}: ${(err as Error).message}`);
    }
    // RFC 8414 §3.3: the metadata must name the issuer it was fetched for.
    if (metadata.issuer !== this.issuer) throw new TokenRejected('keys_unavailable', `metadata issuer mismatch at ${url}`);
    if (typeof metadata.jwks_uri !== 'string') throw new TokenRejected('keys_unavailable', `no jwks_uri at ${url}`);
    return metadata.jwks_uri;
  }
}

function classifyJoseError(err: unknown): { reason: TokenFailureReason; detail?: string } {
  if (err instanceof errors.JWTExpired) return { reason: 'expired' };
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return { reason: 'missing_claim', detail: err.claim };
    switch (err.claim) {
      case 'typ':
        return { reason: 'unsupported_type' };
      case 'iss':
        return { reason: 'wrong_issuer' };
      case 'nbf':
        return { reason: 'not_yet_valid' };
      default:
        return { reason: 'malformed', detail: err.claim };
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return { reason: 'unsupported_algorithm' };
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return { reason: 'unknown_key' };
  if (err instanceof errors.JWSSignatureVerificationFailed) return { reason: 'bad_signature' };
  if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) return { reason: 'keys_unavailable' };
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid || err instanceof errors.JOSENotSupported) {
    return { reason: 'malformed' };
  }
  // Anything else comes from fetching the key set (network errors, non-200 answers).
  return { reason: 'keys_unavailable', detail: err instanceof Error ? err.message : String(err) };
}
