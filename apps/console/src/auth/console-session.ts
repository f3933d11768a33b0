import * as oauth from 'oauth4webapi';
import type { ConsoleConfig, ConsoleResource } from '../config';

/**
 * What survives the trips to the authorization endpoint: never a token. One authorization per
 * resource (a Portcullis grant is for exactly one resource, RFC 8707 §2), chained: each code
 * waits here, bound to its PKCE verifier, for the few seconds until the last one arrives and
 * all are exchanged at once; then this entry is removed.
 */
interface PendingSignIn {
  returnTo: string;
  /** The authorization under way: its resource's position, state and verifier. */
  current: { index: number; state: string; codeVerifier: string };
  /** Authorization responses already received (their URL, checked again at exchange), by resource position. */
  codes: { index: number; response: string; state: string; codeVerifier: string }[];
}

interface HeldToken {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  scopes: string[];
}

const PENDING_KEY = 'portcullis-console.pending';
/** Refresh this long before the access token expires, so a request never carries a dead one. */
const REFRESH_MARGIN_MS = 30_000;

export class SignInError extends Error {}

/**
 * The console as an OAuth client (OAuth 2.1, a public client): authorization code with PKCE
 * S256 and `state`, one access token per resource (RFC 8707), each with its refresh token, all
 * held in this object's memory only, renewed before they expire, revoked at sign-out (RFC 7009).
 */
export class ConsoleSession {
  private as?: oauth.AuthorizationServer;
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
    return this.tokens.size > 0;
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

  /** Sends the browser to the authorization endpoint for the first resource. */
  async signIn(returnTo = '/console/'): Promise<void> {
    await this.authorize({ returnTo: sameOriginPath(returnTo), current: { index: 0, state: '', codeVerifier: '' }, codes: [] }, 0);
  }

  private async authorize(pending: PendingSignIn, index: number): Promise<void> {
    const as = await this.server();
    if (!as.authorization_endpoint) throw new SignInError('the authorization server has no authorization endpoint');
    const resource = this.config.resources[index];
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    this.storage.setItem(PENDING_KEY, JSON.stringify({ ...pending, current: { index, state, codeVerifier } } satisfies PendingSignIn));
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.client_id);
    url.searchParams.set('redirect_uri', this.config.redirect_uri);
    url.searchParams.set('scope', [...resource.scopes, 'offline_access'].join(' '));
    url.searchParams.set('resource', resource.resource);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    url.searchParams.set('state', state);
    this.navigate(url.href);
  }

  /**
   * Handles an authorization response on /console/callback. While resources remain, goes on to
   * the next authorization (the login session makes it a redirect, no page) and returns
   * undefined; after the last, exchanges every code and returns where the person was going.
   */
  async completeSignIn(callbackUrl: URL): Promise<string | undefined> {
    const raw = this.storage.getItem(PENDING_KEY);
    this.storage.removeItem(PENDING_KEY);
    if (!raw) throw new SignInError('this sign-in was not started here (or was already finished): sign in again');
    const pending = JSON.parse(raw) as PendingSignIn;
    const as = await this.server();
    this.validate(as, callbackUrl, pending.current.state);
    const codes = [...pending.codes, { index: pending.current.index, response: callbackUrl.href, state: pending.current.state, codeVerifier: pending.current.codeVerifier }];
    if (pending.current.index + 1 < this.config.resources.length) {
      await this.authorize({ ...pending, codes }, pending.current.index + 1);
      return undefined;
    }
    for (const { index, response: url, state, codeVerifier } of codes) {
      const resource = this.config.resources[index];
      const params = this.validate(as, new URL(url), state);
      const response = await oauth.authorizationCodeGrantRequest(as, this.client, oauth.None(), params, this.config.redirect_uri, codeVerifier, {
        ...this.options,
        additionalParameters: { resource: resource.resource },
      });
      this.hold(resource, await oauth.processAuthorizationCodeResponse(as, this.client, response));
    }
    return pending.returnTo;
  }

  /** RFC 6749 §4.1.2 and RFC 9207: our state, this issuer, a code (or the error it carries). */
  private validate(as: oauth.AuthorizationServer, url: URL, state: string): URLSearchParams {
    try {
      return oauth.validateAuthResponse(as, this.client, url, state);
    } catch (err) {
      throw new SignInError(err instanceof oauth.AuthorizationResponseError ? `${err.error}${err.error_description ? `: ${err.error_description}` : ''}` : 'the answer from the sign-in page was not valid');
    }
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

  /** The resource refused the token: the next call refreshes it. */
  discard(name: ConsoleResource['name']): void {
    const resource = this.resource(name);
    const held = resource && this.tokens.get(resource.resource);
    if (held) held.expiresAt = 0;
  }

  /** Scopes the token for this resource carries (what the screens may offer). */
  scopes(name: ConsoleResource['name']): string[] {
    const resource = this.resource(name);
    return (resource && this.tokens.get(resource.resource)?.scopes) ?? [];
  }

  /** Revokes every refresh token (and with it its grant's tokens) and forgets everything. */
  async signOut(): Promise<void> {
    const refreshTokens = [...this.tokens.values()].flatMap((t) => (t.refreshToken ? [t.refreshToken] : []));
    this.forget();
    const as = await this.server();
    if (!as.revocation_endpoint) return;
    for (const token of refreshTokens) {
      const response = await oauth.revocationRequest(as, this.client, oauth.None(), token, { ...this.options, additionalParameters: { token_type_hint: 'refresh_token' } });
      await oauth.processRevocationResponse(response).catch(() => undefined);
    }
  }

  private forget(): void {
    clearTimeout(this.refreshTimer);
    this.tokens.clear();
  }

  /** RFC 6749 §6, naming the grant's resource (RFC 8707 §2.2); the refresh token rotates. */
  private async refresh(resource: ConsoleResource): Promise<void> {
    const refreshToken = this.tokens.get(resource.resource)?.refreshToken;
    if (!refreshToken) throw new SignInError('signed out');
    const as = await this.server();
    try {
      const response = await oauth.refreshTokenGrantRequest(as, this.client, oauth.None(), refreshToken, {
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
    const before = this.tokens.get(resource.resource);
    this.tokens.set(resource.resource, {
      accessToken: response.access_token,
      refreshToken: response.refresh_token ?? before?.refreshToken,
      expiresAt: Date.now() + (response.expires_in ?? 300) * 1000,
      scopes: response.scope?.split(' ') ?? resource.scopes,
    });
    this.scheduleRefresh();
  }

  /** Renews the token that expires first in the background, so screens never wait for it. */
  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    const [soonest] = [...this.tokens.entries()].filter(([, t]) => t.refreshToken).sort(([, a], [, b]) => a.expiresAt - b.expiresAt);
    const resource = soonest && this.config.resources.find((r) => r.resource === soonest[0]);
    if (!resource) return;
    const delay = Math.max(1000, soonest[1].expiresAt - REFRESH_MARGIN_MS - Date.now());
    this.refreshTimer = setTimeout(() => void this.refresh(resource).catch(() => undefined), delay);
  }
}

/** Only a path of this console is a place to return to after sign-in (no open redirect). */
export function sameOriginPath(value: string): string {
  return /^\/console(\/[^\s\\]*)?$/.test(value) && !value.startsWith('//') ? value : '/console/';
}
