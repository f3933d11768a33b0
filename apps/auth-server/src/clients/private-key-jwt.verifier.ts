import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeJwt, JSONWebKeySet, jwtVerify, JWTVerifyGetKey } from 'jose';
import { InvalidClient } from '@portcullis/oauth';
import { AUTH_CONFIG } from '../config/auth-config';
import type { AuthConfig } from '../config/auth-config';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { GUARDED_FETCH_OPTIONS, guardedFetchForJose } from './metadata-document/guarded-fetch';
import type { GuardedFetchOptions } from './metadata-document/guarded-fetch';
import { JtiReplayCache } from './jti-replay-cache';

/**
 * Longest assertion lifetime accepted, both `exp − now` and `exp − iat`: every `jti` is
 * remembered until its assertion expires, so this bounds the replay cache. Five minutes is
 * what the MCP SDK's PrivateKeyJwtProvider and oauth4webapi issue by default.
 */
export const MAX_ASSERTION_LIFETIME_S = 300;
/** Allowed clock difference between the client and this server. */
const CLOCK_TOLERANCE_S = 30;

/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, OpenID Connect Core §9):
 * the client signs a short JWT with iss = sub = client_id; each `jti` is accepted once.
 *
 * `aud` must be the issuer identifier and nothing else (draft-ietf-oauth-rfc7523bis §4: the
 * authorization server's issuer identifier as the sole value). The token endpoint URL,
 * which RFC 7523 allowed, is refused: an assertion minted for another server's endpoint URL
 * could otherwise be replayed here if the endpoint URLs were confused (the audience
 * injection the draft fixes). Clients in use send the issuer: the MCP SDK v2's
 * PrivateKeyJwtProvider sends the discovered metadata's `issuer`, oauth4webapi sends
 * `as.issuer`.
 */
@Injectable()
export class PrivateKeyJwtVerifier {
  private readonly seenJtis = new JtiReplayCache();
  private readonly remoteSets = new Map<string, JWTVerifyGetKey>();

  private readonly fetchJwks: (url: string) => Promise<Response>;

  constructor(
    private readonly clients: ClientsService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(GUARDED_FETCH_OPTIONS) fetchOptions: GuardedFetchOptions,
  ) {
    // A jwks_uri is chosen by the client: fetched through the SSRF guard, like a metadata document.
    this.fetchJwks = guardedFetchForJose(fetchOptions);
  }

  async verify(assertion: string, clientIdParam: string | undefined): Promise<ClientEntity> {
    let clientId: string;
    try {
      const claims = decodeJwt(assertion);
      clientId = String(claims.sub ?? '');
    } catch {
      throw new InvalidClient('malformed client assertion');
    }
    if (!clientId || (clientIdParam !== undefined && clientIdParam !== clientId)) {
      throw new InvalidClient('client assertion does not match client_id');
    }
    const client = await this.clients.find(clientId);
    if (!client || client.tokenEndpointAuthMethod !== 'private_key_jwt') throw new InvalidClient();
    const keys = this.keySet(client);
    if (!keys) throw new InvalidClient('client has no registered keys');
    try {
      const { payload } = await jwtVerify(assertion, keys, {
        issuer: clientId,
        subject: clientId,
        audience: this.config.issuerUrl,
        algorithms: ['EdDSA', 'ES256', 'PS256', 'RS256'],
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['jti', 'exp'],
      });
      const exp = payload.exp as number;
      checkLifetime(exp, payload.iat, Math.floor(Date.now() / 1000));
      if (!this.seenJtis.remember(`${clientId}:${payload.jti}`, exp * 1000)) {
        throw new InvalidClient('client assertion was already used');
      }
    } catch (err) {
      if (err instanceof InvalidClient) throw err;
      throw new InvalidClient('client assertion rejected');
    }
    return client;
  }

  private keySet(client: ClientEntity): JWTVerifyGetKey | undefined {
    if (client.jwks) return createLocalJWKSet(client.jwks as JSONWebKeySet);
    if (!client.jwksUri) return undefined;
    let set = this.remoteSets.get(client.jwksUri);
    if (!set) {
      set = createRemoteJWKSet(new URL(client.jwksUri), {
        timeoutDuration: 3000,
        cooldownDuration: 30_000,
        [customFetch]: this.fetchJwks,
      });
      this.remoteSets.set(client.jwksUri, set);
    }
    return set;
  }
}

/** RFC 7523 §3 items 4 and 5, bounded: a short-lived assertion, not issued in the future. */
function checkLifetime(exp: number, iat: number | undefined, now: number): void {
  if (exp - now > MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S) {
    throw new InvalidClient(`client assertion must expire within ${MAX_ASSERTION_LIFETIME_S} seconds`);
  }
  if (iat === undefined) return;
  if (iat > now + CLOCK_TOLERANCE_S) throw new InvalidClient('client assertion is issued in the future');
  if (exp - iat > MAX_ASSERTION_LIFETIME_S) {
    throw new InvalidClient(`client assertion lifetime (exp - iat) must not exceed ${MAX_ASSERTION_LIFETIME_S} seconds`);
  }
}
