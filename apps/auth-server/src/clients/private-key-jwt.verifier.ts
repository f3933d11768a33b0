import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, decodeJwt, JSONWebKeySet, jwtVerify, JWTVerifyGetKey } from 'jose';
import { InvalidClient } from '@portcullis/oauth';
import { ClientEntity } from './client.entity';
import { ClientsService } from './clients.service';
import { GUARDED_FETCH_OPTIONS, guardedFetchForJose } from './metadata-document/guarded-fetch';
import type { GuardedFetchOptions } from './metadata-document/guarded-fetch';

/** Longest assertion lifetime accepted; keeps the replay cache small. */
const MAX_ASSERTION_LIFETIME_S = 300;

/**
 * `private_key_jwt` client authentication (RFC 7523 §2.2 and §3, OpenID Connect Core §9):
 * the client signs a short JWT with iss = sub = client_id and aud = this endpoint; each `jti`
 * is accepted once.
 */
@Injectable()
export class PrivateKeyJwtVerifier {
  private readonly seenJtis = new Map<string, number>();
  private readonly remoteSets = new Map<string, JWTVerifyGetKey>();

  private readonly fetchJwks: (url: string) => Promise<Response>;

  constructor(
    private readonly clients: ClientsService,
    @Inject(GUARDED_FETCH_OPTIONS) fetchOptions: GuardedFetchOptions,
  ) {
    // A jwks_uri is chosen by the client: fetched through the SSRF guard, like a metadata document.
    this.fetchJwks = guardedFetchForJose(fetchOptions);
  }

  async verify(assertion: string, clientIdParam: string | undefined, audience: string): Promise<ClientEntity> {
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
      const issuerBase = new URL(audience).origin;
      const { payload } = await jwtVerify(assertion, keys, {
        issuer: clientId,
        subject: clientId,
        audience: [audience, issuerBase],
        algorithms: ['EdDSA', 'ES256', 'PS256', 'RS256'],
        maxTokenAge: `${MAX_ASSERTION_LIFETIME_S}s`,
        requiredClaims: ['jti', 'exp', 'iat'],
      });
      this.rememberJti(`${clientId}:${payload.jti}`, (payload.exp as number) * 1000);
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

  private rememberJti(key: string, expiresAt: number): void {
    const now = Date.now();
    if (this.seenJtis.has(key)) throw new InvalidClient('client assertion was already used');
    if (this.seenJtis.size > 50_000) for (const [k, exp] of this.seenJtis) if (exp < now) this.seenJtis.delete(k);
    this.seenJtis.set(key, expiresAt);
  }
}
