import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type GatewayUpstream, UpstreamPolicy } from '@portcullis/gateway-config';
import { AccessTokenVerifier, BearerChallenges, REVOCATION_LIST, type RevocationList } from '@portcullis/resource-server';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { UpstreamTokenSource } from './upstream-token-source';

/**
 * One upstream as the request path uses it: its declaration, and the resource server it is at
 * the gateway (RFC 9728): a verifier whose only audience is the upstream's resource identifier,
 * the challenges that name its metadata, its compiled policy.
 */
export interface Upstream {
  declaration: GatewayUpstream;
  verifier: AccessTokenVerifier;
  challenges: BearerChallenges;
  policy: UpstreamPolicy;
  /** The credential header the gateway sends upstream (auth type `header`), never a client's token. */
  credential?: { header: string; value: string };
  /** The gateway's own tokens at the upstream's authorization server (auth type `client_credentials`). */
  tokens?: UpstreamTokenSource;
}

/** Every upstream of the gateway file, by name. All share the one revocation list. */
@Injectable()
export class UpstreamRegistry {
  private readonly byName = new Map<string, Upstream>();

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, @Inject(REVOCATION_LIST) revocations: RevocationList) {
    for (const declaration of config.upstreams) {
      const secret = config.upstreamSecrets.get(declaration.name);
      this.byName.set(declaration.name, {
        declaration,
        verifier: new AccessTokenVerifier({
          issuer: config.issuer,
          resource: declaration.resource,
          jwksUri: config.jwksUri,
          cacheBytes: config.tokenCacheBytes,
          revocations,
        }),
        challenges: new BearerChallenges(declaration.resourceMetadataUrl, declaration.connectScopes),
        policy: new UpstreamPolicy(declaration),
        ...(declaration.auth.type === 'header' && secret ? { credential: { header: declaration.auth.header, value: secret } } : {}),
        ...(declaration.auth.type === 'client_credentials' && secret
          ? { tokens: new UpstreamTokenSource(declaration.name, declaration.auth, secret, declaration.timeoutMs) }
          : {}),
      });
    }
  }

  /** The upstream a route's `:upstream` names; an unknown name is a 404, like any unknown path. */
  get(name: unknown): Upstream {
    const found = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (!found) throw new NotFoundException();
    return found;
  }

  all(): Upstream[] {
    return [...this.byName.values()];
  }
}
