import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { calculateJwkThumbprint, type CryptoKey, exportJWK, generateKeyPair, importPKCS8, type JWK, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import type { Principal } from '@portcullis/resource-server';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

/** The header that carries the identity token upstream (never the client's own token). */
export const IDENTITY_HEADER = 'portcullis-identity';
/** RFC 8725 §3.11 explicit typing: this token cannot be mistaken for an access token (at+jwt). */
export const IDENTITY_TOKEN_TYPE = 'portcullis-identity+jwt';
/** Short: it is minted per request and only has to outlive the request's trip upstream. */
export const IDENTITY_TTL_SECONDS = 60;

/** Tokens remembered for reuse; past this many the memory is simply cleared (each is re-signed once). */
const MAX_CACHED = 10_000;

interface SigningKey {
  privateKey: CryptoKey;
  jwk: JWK;
}

/**
 * The MCP authorization spec forbids passing the client's token upstream ("Token Passthrough").
 * The upstream learns who is calling from a short-lived JWT the gateway signs instead: `iss` the
 * gateway, `aud` the upstream's own URL (a token for one upstream is refused by the others),
 * `sub`, `client_id` and `scope` from the verified access token. Upstreams verify it with the
 * gateway's JWKS (`/.well-known/jwks.json`). Ed25519, from IDENTITY_KEY_FILE or generated at
 * start (replicas must then share a file: each would publish a different key).
 */
@Injectable()
export class IdentitySigner implements OnModuleInit {
  private key?: SigningKey;
  private readonly issued = new Map<string, { token: string; reuseUntil: number }>();

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async onModuleInit(): Promise<void> {
    let privateKey: CryptoKey;
    if (this.config.identityKeyPem) {
      privateKey = await importPKCS8(this.config.identityKeyPem, 'EdDSA', { extractable: true });
    } else {
      new Logger('IdentitySigner').warn('IDENTITY_KEY_FILE is unset: a key generated now signs identity tokens (replicas must share one key file)');
      privateKey = (await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })).privateKey;
    }
    // The public half only: an OKP key's public part is `x` (RFC 8037 §2); `d` stays here.
    const { kty, crv, x } = await exportJWK(privateKey);
    const jwk: JWK = { kty, crv, x, alg: 'EdDSA', use: 'sig' };
    jwk.kid = await calculateJwkThumbprint(jwk);
    this.key = { privateKey, jwk };
  }

  /** RFC 7517 key set of the public key, for `/.well-known/jwks.json`. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.signingKey().jwk] };
  }

  /**
   * The identity token for this principal at this upstream. One token serves every request of
   * the same access token to the same upstream while it has more than half its life left:
   * signing on every request would cost each one a signature for the same claims.
   */
  async identityToken(principal: Principal, audience: string): Promise<string> {
    const cached = this.cachedToken(principal, audience);
    if (cached !== undefined) return cached;
    const key = `${principal.jti}\n${audience}`;
    const now = Date.now();
    const token = await this.sign(principal, audience);
    if (this.issued.size >= MAX_CACHED) this.issued.clear();
    this.issued.set(key, { token, reuseUntil: now + (IDENTITY_TTL_SECONDS * 1000) / 2 });
    return token;
  }

  /** The cached identity token, if one is still good: no promise on the hot path (identityToken signs when none is). */
  cachedToken(principal: Principal, audience: string): string | undefined {
    const cached = this.issued.get(`${principal.jti}\n${audience}`);
    return cached && cached.reuseUntil > Date.now() ? cached.token : undefined;
  }

  sign(principal: Principal, audience: string): Promise<string> {
    const key = this.signingKey();
    return new SignJWT({ client_id: principal.clientId, scope: principal.scopes.join(' ') })
      .setProtectedHeader({ alg: 'EdDSA', typ: IDENTITY_TOKEN_TYPE, kid: key.jwk.kid })
      .setIssuer(this.config.publicUrl)
      .setAudience(audience)
      .setSubject(principal.subject)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${IDENTITY_TTL_SECONDS}s`)
      .sign(key.privateKey);
  }

  private signingKey(): SigningKey {
    if (!this.key) throw new Error('the identity key is not loaded yet');
    return this.key;
  }
}
