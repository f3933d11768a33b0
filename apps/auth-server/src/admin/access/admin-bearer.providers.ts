import type { Provider } from '@nestjs/common';
import { canonicalResource } from '@portcullis/oauth';
import { AccessTokenVerifier, BearerChallenges, BearerStrategy } from '@portcullis/resource-server';
import { adminResourceFor } from '@portcullis/scopes';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';
import { SigningKeysService } from '../../keys/signing-keys.service';

/** The passport name of the admin API's strategy (one resource server inside this process). */
export const ADMIN_BEARER_STRATEGY = 'portcullis-admin-bearer';
export const ADMIN_VERIFIER = Symbol('ADMIN_VERIFIER');
export const ADMIN_CHALLENGES = Symbol('ADMIN_CHALLENGES');

/** RFC 9728 §3.1: the resource's path appended to the well-known prefix. */
export function adminResourceMetadataUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/oauth-protected-resource/admin`;
}

/**
 * libs/resource-server's verifier, for the admin resource: it reads this server's published
 * keys in-process (no HTTP call to itself) and refuses any other audience. Revocation is the
 * guard's (admin-access.guard.ts), against the store.
 */
export const ADMIN_BEARER_PROVIDERS: Provider[] = [
  {
    provide: ADMIN_VERIFIER,
    inject: [AUTH_CONFIG, SigningKeysService],
    useFactory: (config: AuthConfig, keys: SigningKeysService) =>
      new AccessTokenVerifier({
        issuer: config.issuerUrl,
        resource: canonicalResource(adminResourceFor(config.issuerUrl)) as string,
        algorithms: ['EdDSA'],
        localKeys: () => keys.publishedJwks(),
      }),
  },
  {
    provide: ADMIN_CHALLENGES,
    inject: [AUTH_CONFIG],
    useFactory: (config: AuthConfig) => new BearerChallenges(adminResourceMetadataUrl(config.issuerUrl)),
  },
  {
    // Constructing it registers it with passport under ADMIN_BEARER_STRATEGY.
    provide: BearerStrategy,
    inject: [ADMIN_VERIFIER],
    useFactory: (verifier: AccessTokenVerifier) => new BearerStrategy(() => verifier, ADMIN_BEARER_STRATEGY),
  },
];
