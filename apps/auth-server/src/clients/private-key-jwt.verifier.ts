import { Inject, Injectable, Logger } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeJwt, JSONWebKeySet, jwtVerify, JWTVerifyGetKey } from 'jose';
import { InvalidClient, OAuthError } from '@portcullis/oauth';
import { AUTH_CONFIG } from '../config/auth-config';
import type { AuthConfig } from '../config/auth-config';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { GUARDED_FETCH_OPTIONS, guardedFetchForJose } from './metadata-document/guarded-fetch';
import type { GuardedFetchOptions } from './metadata-document/guarded-fetch';
import { USE_ONCE_LEDGER } from '../shared-state/shared-state';
import type { UseOnceLedger } from '../shared-state/shared-state';

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
  private readonly logger = new Logger(PrivateKeyJwtVerifier.name);
  private readonly remoteSets = new Map<string, JWTVerifyGetKey>();

  private readonly fetchJwks: (url: string) => Promise<Response>;

  constructor(
    private readonly clients: ClientsService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Inject(GUARDED_FETCH_OPTIONS) fetchOptions: GuardedFetchOptions,
    @Inject(USE_ONCE_LEDGER) private readonly seenJtis: UseOnceLedger,
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
    let jti: string;
    let exp: number;
    try {
      const { payload } = await jwtVerify(assertion, keys, {
        issuer: clientId,
        subject: clientId,
        audience: this.config.issuerUrl,
        algorithms: ['EdDSA', 'ES256', 'PS256', 'RS256'],
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['jti', 'exp'],
      });
      exp = payload.exp as number;
      jti = String(payload.jti);
      checkLifetime(exp, payload.iat, Math.floor(Date.now() / 1000));
    } catch (err) {
      if (err instanceof InvalidClient) throw err;
      throw new InvalidClient('client assertion rejected');
    }
    if (!(await this.firstUse(clientId, jti, exp))) throw new InvalidClient('client assertion was already used');
    return client;
  }

  /**
   * Records the `jti` in the ledger every replica shares, until the assertion expires (with the
   * clock tolerance). Fails closed: when the ledger cannot answer, the request is refused.
   */
  private async firstUse(clientId: string, jti: string, exp: number): Promise<boolean> {
    try {
      return await this.seenJtis.use(`private_key_jwt\n${clientId}\n${jti}`, (exp + CLOCK_TOLERANCE_S) * 1000);
    } catch (err) {
      this.logger.error(`client assertion replay ledger unavailable: ${err instanceof Error ? err.message : String(err)}`);
      throw new OAuthError('temporarily_unavailable', 'client authentication is unavailable; try again later', 503);
    }
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
