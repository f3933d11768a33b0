import * as oauth from 'oauth4webapi';
import type { ConsoleConfig, ConsoleResource } from '../config';

/** What survives the trip to the login page: never a token, only what proves the answer is ours. */
interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  returnTo: string;
}

interface HeldToken {
  accessToken: string;
  expiresAt: number;
  scopes: string[];
}

const PENDING_KEY = 'portcullis-console.pending';
/** Refresh this long before the access token expires, so a request never carries a dead one. */
const REFRESH_MARGIN_MS = 30_000;

export class SignInError extends Error {}

/**
 * The console as an OAuth client (OAuth 2.1, a public client): authorization code with PKCE
 * S256 and `state`, one access token per resource (RFC 8707), all of them and the refresh token
 * held in this object's memory only, renewed before they expire, revoked at sign-out (RFC 7009).
 */
export class ConsoleSession {
  private as?: oauth.AuthorizationServer;
  private refreshToken?: string;
  private readonly tokens = new Map<string, HeldToken>();
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private readonly client: oauth.Client;
  private readonly options: { [oauth.allowInsecureRequests]?: boolean };
  /** Called when the session ends by itself (refresh refused): the app shows sign-in again. */
  onSignedOut?: () => void;

  constructor(
    private readonly config: ConsoleConfig,
    private readonly storage: Storage = sessionStorage,
    private readonly navigate: (url: string) => void = (url) => window.location.assign(url),
  ) {
    this.client = { client_id: config.client_id };
    // http issuers are for local development (the public contract's localhost:9000).
    this.options = new URL(config.issuer).protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};
  }

  get signedIn(): boolean {
    return this.refreshToken !== undefined || this.tokens.size > 0;
  }

  resource(name: ConsoleResource['name']): ConsoleResource | undefined {
    return this.config.resources.find((r) => r.name === name);
  }

  /** RFC 8414 discovery, once. */
  private async server(): Promise<oauth.AuthorizationServer> {
    if (this.as) return this.as;
    const issuer = new URL(this.config.issuer);
    this.as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...this.options, algorithm: 'oauth2' }));
    return this.as;
  }

  /**
   * Sends the browser to the authorization endpoint. Every configured resource is named
   * (RFC 8707 §2.1) with the union of their scopes; the code is then exchanged for the first
   * resource's token and the others come from the refresh token (§2.2).
   */
  async signIn(returnTo = '/console/'): Promise<void> {
    const as = await this.server();
    if (!as.authorization_endpoint) throw new SignInError('the authorization server has no authorization endpoint');
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const pending: PendingAuthorization = { state, codeVerifier, returnTo: sameOriginPath(returnTo) };
    this.storage.setItem(PENDING_KEY, JSON.stringify(pending));
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.client_id);
    url.searchParams.set('redirect_uri', this.config.redirect_uri);
    url.searchParams.set('scope', [...new Set([...this.config.resources.flatMap((r) => r.scopes), 'offline_access'])].join(' '));
    for (const r of this.config.resources) url.searchParams.append('resource', r.resource);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', state);
    this.navigate(url.href);
  }

  /** Finishes sign-in on /console/callback; returns where the person was going. */
  async completeSignIn(callbackUrl: URL): Promise<string> {
    const raw = this.storage.getItem(PENDING_KEY);
    this.storage.removeItem(PENDING_KEY);
    if (!raw) throw new SignInError('this sign-in was not started here (or was already finished): sign in again');
    const pending = JSON.parse(raw) as PendingAuthorization;
    const as = await this.server();
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, this.client, callbackUrl, pending.state);
    } catch (err) {
      throw new SignInError(err instanceof oauth.AuthorizationResponseError ? `${err.error}${err.error_description ? `: ${err.error_description}` : ''}` : 'the answer from the sign-in page was not valid');
    }
    const [first, ...others] = this.config.resources;
    const response = await oauth.authorizationCodeGrantRequest(as, this.client, oauth.None(), params, this.config.redirect_uri, pending.codeVerifier, {
      ...this.options,
      additionalParameters: { resource: first.resource },
    });
    this.hold(first, await oauth.processAuthorizationCodeResponse(as, this.client, response));
    for (const other of others) await this.refresh(other).catch(() => undefined);
    return pending.returnTo;
  }

  /** A live access token for the resource, refreshed first when it is about to expire. */
  async accessToken(name: ConsoleResource['name']): Promise<string> {
    const resource = this.resource(name);
    if (!resource) throw new SignInError(`this console has no ${name} resource configured`);
    const held = this.tokens.get(resource.resource);
    if (held && held.expiresAt - REFRESH_MARGIN_MS > Date.now()) return held.accessToken;
    await this.refresh(resource);
    const fresh = this.tokens.get(resource.resource);
    if (!fresh) throw new SignInError(`no token for ${resource.resource}`);
    return fresh.accessToken;
  }

  /** Forget the token (the resource refused it): the next call refreshes. */
  discard(name: ConsoleResource['name']): void {
    const resource = this.resource(name);
    if (resource) this.tokens.delete(resource.resource);
  }

  /** Scopes the token for this resource carries (what the screens may offer). */
  scopes(name: ConsoleResource['name']): string[] {
    const resource = this.resource(name);
    return (resource && this.tokens.get(resource.resource)?.scopes) ?? [];
  }

  /** Revokes the refresh token (and with it the grant's tokens) and forgets everything. */
  async signOut(): Promise<void> {
    const refreshToken = this.refreshToken;
    this.forget();
    if (!refreshToken) return;
    const as = await this.server();
    if (!as.revocation_endpoint) return;
    const response = await oauth.revocationRequest(as, this.client, oauth.None(), refreshToken, { ...this.options, additionalParameters: { token_type_hint: 'refresh_token' } });
    await oauth.processRevocationResponse(response).catch(() => undefined);
  }

  private forget(): void {
    clearTimeout(this.refreshTimer);
    this.refreshToken = undefined;
    this.tokens.clear();
  }

  /** RFC 6749 §6 with `resource` (RFC 8707 §2.2); the refresh token rotates (OAuth 2.1). */
  private async refresh(resource: ConsoleResource): Promise<void> {
    if (!this.refreshToken) throw new SignInError('signed out');
    const as = await this.server();
    try {
      const response = await oauth.refreshTokenGrantRequest(as, this.client, oauth.None(), this.refreshToken, {
        ...this.options,
        additionalParameters: { resource: resource.resource },
      });
      this.hold(resource, await oauth.processRefreshTokenResponse(as, this.client, response));
    } catch (err) {
      if (err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant') {
        this.forget();
        this.onSignedOut?.();
      }
      throw err;
    }
  }

  private hold(resource: ConsoleResource, response: oauth.TokenEndpointResponse): void {
    const expiresIn = response.expires_in ?? 300;
    this.tokens.set(resource.resource, {
      accessToken: response.access_token,
      expiresAt: Date.now() + expiresIn * 1000,
      scopes: response.scope?.split(' ') ?? resource.scopes,
    });
    if (response.refresh_token) this.refreshToken = response.refresh_token;
    this.scheduleRefresh();
  }

  /** Renews the token that expires first in the background, so screens never wait for it. */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    const [soonest] = [...this.tokens.entries()].sort(([, a], [, b]) => a.expiresAt - b.expiresAt);
    if (!soonest || !this.refreshToken) return;
    const resource = this.config.resources.find((r) => r.resource === soonest[0]);
    if (!resource) return;
    const delay = Math.max(1000, soonest[1].expiresAt - REFRESH_MARGIN_MS - Date.now());
    this.refreshTimer = setTimeout(() => void this.refresh(resource).catch(() => undefined), delay);
  }
}

/** Only a path of this console is a place to return to after sign-in (no open redirect). */
export function sameOriginPath(value: string): string {
  return /^\/console(\/[^\s\\]*)?$/.test(value) && !value.startsWith('//') ? value : '/console/';
}
