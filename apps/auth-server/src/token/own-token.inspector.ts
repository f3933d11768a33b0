import { Inject, Injectable } from '@nestjs/common';
import { createLocalJWKSet, JWTPayload, jwtVerify } from 'jose';
import { parseScope } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { SigningKeysService } from '../keys/signing-keys.service';
import { ClientTokenCutoffs } from './client-token-cutoffs';
import { AccessTokenRecords } from './stores/access-token-records';
import { TokenStore } from './stores/token-store';
import { RefreshTokenEntity } from './refresh-token.entity';
import { GrantEntity } from './grant.entity';

export type InspectedToken =
  | { kind: 'access_token'; claims: JWTPayload & { client_id: string; scope?: string; jti: string }; active: boolean }
  | { kind: 'refresh_token'; row: RefreshTokenEntity; grant: GrantEntity; active: boolean };

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Recognises a token this server issued, for revocation (RFC 7009) and introspection
 * (RFC 7662): a JWT access token verified against our own keys, or a refresh token found by
 * its digest. Anything else is unknown.
 */
@Injectable()
export class OwnTokenInspector {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly tokens: TokenStore,
    private readonly revocations: AccessTokenRecords,
    private readonly cutoffs: ClientTokenCutoffs,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async inspect(token: string, hint: string | undefined, now = Date.now()): Promise<InspectedToken | undefined> {
    const order = hint === 'refresh_token' ? ['refresh', 'access'] : ['access', 'refresh'];
    for (const kind of order) {
      const found = kind === 'access' ? await this.asAccessToken(token, now) : await this.asRefreshToken(token, now);
      if (found) return found;
    }
    return undefined;
  }

  private async asAccessToken(token: string, now: number): Promise<InspectedToken | undefined> {
    if (!JWT_SHAPE.test(token)) return undefined;
    const keys = createLocalJWKSet(await this.keys.publishedJwks());
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.config.issuerUrl,
        typ: 'at+jwt',
        algorithms: ['EdDSA'],
        // Expired tokens are still ours: recognised, but inactive.
        currentDate: new Date(0),
      }));
    } catch {
      // Only a token that fails verification is "not ours"; a database error (above or
      // below) propagates, so an outage is never mistaken for an unknown token.
      return undefined;
    }
    if (typeof payload.jti !== 'string' || typeof payload.client_id !== 'string') return undefined;
    const expired = (payload.exp ?? 0) * 1000 <= now;
    // The token's own revocation and its client's cutoff are independent reads: asked together.
    const revoked =
      !expired &&
      (await Promise.all([this.revocations.isRevoked(payload.jti), this.cutoffs.covers(payload.client_id, payload.iat ?? 0, now)])).some(Boolean);
    return {
      kind: 'access_token',
      claims: payload as JWTPayload & { client_id: string; jti: string; scope?: string },
      active: !expired && !revoked,
    };
  }

  private async asRefreshToken(token: string, now: number): Promise<InspectedToken | undefined> {
    const stored = await this.tokens.findRefreshToken(token);
    if (!stored) return undefined;
    const { token: row, grant } = stored;
    const rotatedOut = row.rotatedAt !== null && now - row.rotatedAt > this.config.refreshGraceSeconds * 1000;
    const active = !row.revokedAt && !grant.revokedAt && row.expiresAt > now && !rotatedOut;
    return { kind: 'refresh_token', row, grant, active };
  }

  static scopes(token: InspectedToken): string[] {
    return parseScope(token.kind === 'access_token' ? token.claims.scope : token.row.scope) ?? [];
  }
}
