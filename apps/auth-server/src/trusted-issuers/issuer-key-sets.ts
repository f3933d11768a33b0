import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, JWTVerifyGetKey } from 'jose';

/**
 * One cached JWKS per trusted issuer, fetched only from the `jwks_uri` the operator wrote in
 * TRUSTED_ISSUERS_FILE (never from a URL inside a token). jose refetches on an unknown `kid`
 * (key rotation) at most once per cooldown, so a flood of forged `kid`s cannot hammer the IdP.
 */
@Injectable()
export class IssuerKeySets {
  private readonly sets = new Map<string, JWTVerifyGetKey>();

  forUri(jwksUri: string): JWTVerifyGetKey {
    let set = this.sets.get(jwksUri);
    if (!set) {
      set = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 3000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
      this.sets.set(jwksUri, set);
    }
    return set;
  }
}
