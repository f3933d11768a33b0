import * as oauth from 'oauth4webapi';
import {
  authorizationUrl,
  AuthServer,
  Browser,
  exchangeCode,
  expectPage,
  expectRedirect,
  isConsentPage,
  openLoginPage,
  registerPublicClient,
  startAuthServer,
  USERS,
} from '@portcullis/testing';

/**
 * The consent page says the application will stay connected exactly when the token response
 * then holds a refresh token: one rule decides both (scopes/refresh-token-policy.ts).
 */
describe('auth-server black box on sqlite: the consent page tells whether a refresh token is issued', () => {
  let server: AuthServer;

  beforeAll(async () => {
    server = await startAuthServer('sqlite');
  }, 60_000);
  afterAll(async () => server?.stop());

  const STAYS_CONNECTED = /Stay connected when you are away/;

  it.each([
    { grantTypes: ['authorization_code', 'refresh_token'], scope: 'sentiment:read' },
    { grantTypes: ['authorization_code', 'refresh_token'], scope: 'sentiment:read offline_access' },
    { grantTypes: ['authorization_code'], scope: 'sentiment:read' },
    { grantTypes: ['authorization_code'], scope: 'sentiment:read offline_access' },
  ])('grant types $grantTypes, scope "$scope": the page says "stay connected" iff a refresh token is issued', async ({ grantTypes, scope }) => {
    const client = await registerPublicClient(server, { grant_types: grantTypes });
    const browser = new Browser(server.issuer);
    const prepared = await authorizationUrl(server, { client, scope });
    const login = await openLoginPage(browser, prepared.url);
    const consent = expectPage(await browser.submit(login, USERS.alice));
    expect(isConsentPage(consent)).toBe(true);
    const callback = expectRedirect(await browser.submit(consent, { decision: 'approve' }));
    const tokens = await oauth.processAuthorizationCodeResponse(server.as, client, await exchangeCode(server, client, callback, prepared));

    const pageSaysSo = STAYS_CONNECTED.test(consent.html);
    const issued = typeof tokens.refresh_token === 'string';
    expect({ pageSaysSo, issued }).toEqual({ pageSaysSo: issued, issued: grantTypes.includes('refresh_token') });
    // The granted scope names offline_access only when a refresh token comes with it.
    expect((tokens.scope ?? '').split(' ').includes('offline_access')).toBe(issued && scope.includes('offline_access'));
  });
});
