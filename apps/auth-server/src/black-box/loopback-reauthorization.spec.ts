import * as oauth from 'oauth4webapi';
import {
  authorizationUrl,
  AuthServer,
  Browser,
  codeFlow,
  exchangeCode,
  expectPage,
  expectRedirect,
  isConsentPage,
  isLoginPage,
  register,
  RegisteredClient,
  registerPublicClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

/**
 * RFC 8252 §8.6: when the client's identity cannot be assured — a public client that returns
 * to a loopback address on any port — an authorization request is never processed
 * automatically. A second program using the same client_id on another port must meet the
 * consent page (with its localhost warning); with prompt=none it gets consent_required.
 */
describe('auth-server black box on sqlite: no silent re-authorization of a localhost client', () => {
  let server: AuthServer;
  let localhost: RegisteredClient;

  beforeAll(async () => {
    server = await startAuthServer('sqlite');
    localhost = await registerPublicClient(server, { redirect_uris: ['http://127.0.0.1/callback'] });
  }, 60_000);
  afterAll(async () => server?.stop());

  /** Alice approves the real application on port 5555; the browser keeps her session. */
  async function approvedOnce(client: RegisteredClient, redirectUri: string): Promise<Browser> {
    const browser = new Browser(server.issuer);
    const first = await codeFlow(server, browser, client, USERS.alice, { scope: 'sentiment:read', redirectUri });
    expect(first.sawConsent).toBe(true);
    return browser;
  }

  it('prompt=none from another port of the same public client: consent_required with state and iss, no code', async () => {
    const browser = await approvedOnce(localhost, 'http://127.0.0.1:5555/callback');
    // Another program: same client_id, its own port and its own PKCE.
    const other = await authorizationUrl(server, { client: localhost, scope: 'sentiment:read', prompt: 'none', redirectUri: 'http://127.0.0.1:6666/callback' });
    const callback = expectRedirect(await browser.navigate(other.url));
    expect(callback.port).toBe('6666');
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('error')).toBe('consent_required');
    expect(callback.searchParams.get('state')).toBe(other.state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
  });

  it('without prompt, the consent page with its localhost warning is shown again, even on the approved port', async () => {
    const browser = await approvedOnce(localhost, 'http://127.0.0.1:5555/callback');
    for (const redirectUri of ['http://127.0.0.1:6666/callback', 'http://127.0.0.1:5555/callback']) {
      const again = await authorizationUrl(server, { client: localhost, scope: 'sentiment:read', redirectUri });
      const page = expectPage(await browser.navigate(again.url));
      expect(isLoginPage(page)).toBe(false);
      expect(isConsentPage(page)).toBe(true);
      expect(page.html).toMatch(/class="warning"[^>]*>[^<]*localhost/);
    }
  });

  it('a client whose identity is assured (https redirect, or a confidential client) is still approved silently', async () => {
    const web = await registerPublicClient(server, { client_name: 'Web app', redirect_uris: ['https://app.example/cb'], application_type: 'web' });
    const webBrowser = await approvedOnce(web, 'https://app.example/cb');
    const silent = await authorizationUrl(server, { client: web, scope: 'sentiment:read', prompt: 'none', redirectUri: 'https://app.example/cb' });
    expect(expectRedirect(await webBrowser.navigate(silent.url)).searchParams.get('code')).toBeTruthy();

    const confidential = await register(server, {
      client_name: 'Confidential localhost app',
      redirect_uris: ['http://127.0.0.1/callback'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      application_type: 'native',
    });
    const browser = await approvedOnce(confidential, 'http://127.0.0.1:5555/callback');
    const prepared = await authorizationUrl(server, { client: confidential, scope: 'sentiment:read', prompt: 'none', redirectUri: 'http://127.0.0.1:6666/callback' });
    const callback = expectRedirect(await browser.navigate(prepared.url));
    expect(callback.searchParams.get('code')).toBeTruthy();
    const tokens = await oauth.processAuthorizationCodeResponse(server.as, confidential, await exchangeCode(server, confidential, callback, prepared));
    expect(tokens.access_token).toBeTruthy();
  });
});
