import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { formatScope } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { ActiveSigningKey, SigningKeysService } from '../keys/signing-keys.service';
import { CompactJwsSigner } from '../keys/compact-jws.signer';
import { resourceScopes } from '../scopes/scope-policy';

export interface AccessTokenRequest {
  subject: string;
  clientId: string;
  /** Canonical resource identifier: the token's only audience (RFC 8707 §2). */
  resource: string;
  scopes: readonly string[];
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  scope: string;
  expiresIn: number;
  expiresAt: number;
}

/**
 * Signs JWT access tokens per RFC 9068: header `typ: at+jwt` (§2.1), claims iss, sub, aud,
 * exp, iat, jti, client_id, scope (§2.2). `aud` is a single string, the resource the token is
 * for, so a token for one resource is refused by every other.
 */
@Injectable()
export class AccessTokenIssuer {
  /** One signer per key (the active key changes at rotation). */
  private readonly signers = new WeakMap<ActiveSigningKey, CompactJwsSigner>();

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async issue(request: AccessTokenRequest, now = Date.now()): Promise<IssuedAccessToken> {
    const key = await this.keys.signingKey();
    const jti = randomUUID();
    const iat = Math.floor(now / 1000);
    const ttl = this.config.accessTokenTtl;
    const scope = formatScope(resourceScopes(request.scopes));
    // RFC 9068 §2.2 claims, serialised once and signed as they are (SignJWT would rebuild and
    // re-validate the same claims through its builder on every token).
    const claims = {
      iss: this.config.issuerUrl,
      sub: request.subject,
      aud: request.resource,
      exp: iat + ttl,
      iat,
      jti,
      client_id: request.clientId,
      scope,
    };
    let signer = this.signers.get(key);
    if (!signer) {
      // RFC 9068 §2.1: typ at+jwt.
      signer = new CompactJwsSigner(key, 'at+jwt');
      this.signers.set(key, signer);
    }
    const token = await signer.sign(Buffer.from(JSON.stringify(claims)));
    return { token, jti, scope, expiresIn: ttl, expiresAt: (iat + ttl) * 1000 };
  }
}
