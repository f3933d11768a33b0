import type { ClientCredentialsAuth } from '@portcullis/gateway-config';
import * as oauth from 'oauth4webapi';

/** Why the gateway has no token for an upstream; the message names no secret and is safe to log. */
export class UpstreamTokenUnavailable extends Error {}

/** A token is renewed this long before it expires (or at 90 % of a shorter life), not at the edge. */
const EARLY_RENEWAL_MS = 30_000;
/** RFC 6749 §5.1 only recommends `expires_in`: without it, a token is used this long (a 401 still renews it). */
const UNKNOWN_LIFETIME_MS = 300_000;

/**
 * The gateway's own access token at an upstream's authorization server (RFC 6749 §4.4
 * client_credentials, with RFC 8707 `resource` when declared), through oauth4webapi. One token
 * serves every caller (it says who the gateway is, not who calls: that is the identity JWT),
 * kept until shortly before it expires; concurrent requests share one fetch in flight.
 */
export class UpstreamTokenSource {
  private token?: { value: string; renewAt: number };
  private inFlight?: Promise<string>;
  private server?: oauth.AuthorizationServer;
  private readonly client: oauth.Client;
  private readonly clientAuth: oauth.ClientAuth;

  constructor(
    private readonly upstream: string,
    private readonly auth: ClientCredentialsAuth,
    secret: string,
    /** Bounds discovery and each token request, like the upstream request itself. */
    private readonly timeoutMs: number,
  ) {
    this.client = { client_id: auth.clientId };
    this.clientAuth = auth.tokenEndpointAuthMethod === 'client_secret_post' ? oauth.ClientSecretPost(secret) : oauth.ClientSecretBasic(secret);
  }

  /** A token to send: the cached one while it is fresh, else the one fetch in flight. */
  get(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return Promise.resolve(this.token.value);
    this.inFlight ??= this.fetchToken().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /**
   * The upstream refused `used` (401): forget it, unless a concurrent request has already
   * replaced it, and get another.
   */
  renew(used: string): Promise<string> {
    if (this.token?.value === used) this.token = undefined;
    return this.get();
  }

  private async fetchToken(): Promise<string> {
    const options = this.options();
    const server = await this.authorizationServer();
    const parameters = new URLSearchParams();
    if (this.auth.scope?.length) parameters.set('scope', this.auth.scope.join(' '));
    if (this.auth.resource) parameters.set('resource', this.auth.resource);
    let result: oauth.TokenEndpointResponse;
    try {
      const response = await oauth.clientCredentialsGrantRequest(server, this.client, this.clientAuth, parameters, options);
      result = await oauth.processClientCredentialsResponse(server, this.client, response);
    } catch (err) {
      throw this.unavailable('token request', err);
    }
    const lifetime = typeof result.expires_in === 'number' && result.expires_in > 0 ? result.expires_in * 1000 : UNKNOWN_LIFETIME_MS;
    this.token = { value: result.access_token, renewAt: Date.now() + Math.min(lifetime - EARLY_RENEWAL_MS, lifetime * 0.9) };
    return result.access_token;
  }

  /** The token endpoint as declared, or from the issuer's RFC 8414 metadata (found once, then kept). */
  private async authorizationServer(): Promise<oauth.AuthorizationServer> {
    if (this.server) return this.server;
    if (this.auth.tokenEndpoint) {
      this.server = { issuer: new URL(this.auth.tokenEndpoint).origin, token_endpoint: this.auth.tokenEndpoint };
      return this.server;
    }
    const issuer = new URL(this.auth.issuer as string);
    try {
      const response = await oauth.discoveryRequest(issuer, { ...this.options(), algorithm: 'oauth2' });
      this.server = await oauth.processDiscoveryResponse(issuer, response);
    } catch (err) {
      throw this.unavailable('discovery (RFC 8414)', err);
    }
    return this.server;
  }

  private options() {
    // http:// is the operator's explicit choice in the gateway file (as it is for the upstream's url).
    return { signal: AbortSignal.timeout(this.timeoutMs), [oauth.allowInsecureRequests]: true };
  }

  /** The OAuth error code or the failure's kind; never a response body or the secret. */
  private unavailable(step: string, err: unknown): UpstreamTokenUnavailable {
    // By name, not class: an aborted fetch rejects with a DOMException, from another realm under test.
    const name = (err as { name?: unknown } | null)?.name;
    const why =
      err instanceof oauth.ResponseBodyError
        ? `${err.error} (${err.status})`
        : err instanceof oauth.WWWAuthenticateChallengeError
          ? `refused (${err.status})`
          : name === 'TimeoutError' || name === 'AbortError'
            ? `no answer within ${this.timeoutMs} ms`
            : err instanceof oauth.OperationProcessingError || err instanceof oauth.UnsupportedOperationError
              ? 'an invalid response'
              : 'unreachable';
    return new UpstreamTokenUnavailable(`upstream ${this.upstream}: ${step} at its authorization server failed: ${why}`);
  }
}
