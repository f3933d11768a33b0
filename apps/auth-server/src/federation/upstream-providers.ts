import { Inject, Injectable } from '@nestjs/common';
import * as oauth from 'oauth4webapi';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import type { OidcConnection } from '../config/oidc-connections';

/** How long any one request to an upstream provider may take (discovery, token, keys). */
export const UPSTREAM_TIMEOUT_MS = 5000;
/** Discovered metadata is reused this long; a failed discovery is retried at the next sign-in. */
const METADATA_TTL_MS = 60 * 60 * 1000;

/** A connection ready to talk to: its provider's metadata and how we authenticate to it. */
export interface UpstreamProvider {
  connection: OidcConnection;
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuth: oauth.ClientAuth;
  /** The redirect URI registered upstream for this connection. */
  redirectUri: string;
  /** Options for every oauth4webapi request: a timeout, and http:// in development only. */
  requestOptions(): { signal: AbortSignal; [oauth.allowInsecureRequests]?: boolean };
}

export class UpstreamUnreachable extends Error {}

/**
 * The upstream OpenID Providers of OIDC_CONNECTIONS_FILE, discovered lazily (OIDC Discovery
 * §4) on first use and cached: a provider that is down at start does not stop this server, it
 * only fails the sign-ins through it until it is back.
 */
@Injectable()
export class UpstreamProviders {
  private readonly cache = new Map<string, { as: oauth.AuthorizationServer; until: number }>();

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {}

  connection(id: string): OidcConnection | undefined {
    return this.config.oidcConnections.find((c) => c.id === id);
  }

  async provider(connection: OidcConnection): Promise<UpstreamProvider> {
    // Checked at start too (auth-config.ts); this keeps production honest if that ever changes.
    const insecure = connection.issuer.startsWith('http:') && this.config.oidcAllowHttp;
    const requestOptions = () => ({ signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS), ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}) });
    return {
      connection,
      as: await this.metadata(connection, requestOptions),
      client: { client_id: connection.clientId },
      clientAuth: this.clientAuth(connection),
      redirectUri: `${this.config.issuerUrl}/federation/${connection.id}/callback`,
      requestOptions,
    };
  }

  private async metadata(connection: OidcConnection, requestOptions: UpstreamProvider['requestOptions']): Promise<oauth.AuthorizationServer> {
    const cached = this.cache.get(connection.id);
    if (cached && cached.until > Date.now()) return cached.as;
    const issuer = new URL(connection.issuer);
    let as: oauth.AuthorizationServer;
    try {
      // processDiscoveryResponse insists the document's `issuer` is exactly this one.
      as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions() }));
    } catch (err) {
      throw new UpstreamUnreachable(`discovery of ${connection.issuer} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.cache.set(connection.id, { as, until: Date.now() + METADATA_TTL_MS });
    return as;
  }

  private clientAuth(connection: OidcConnection): oauth.ClientAuth {
    if (connection.tokenEndpointAuthMethod === 'none' || !connection.clientSecret) return oauth.None();
    return connection.tokenEndpointAuthMethod === 'client_secret_post' ? oauth.ClientSecretPost(connection.clientSecret) : oauth.ClientSecretBasic(connection.clientSecret);
  }
}
