/**
 * @jest-environment node
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AuthServer, authorizeInBrowser, Browser, freePort, startAuthServer, USERS } from '@portcullis/testing';
import type { ConsoleConfig } from '../config';
import { ConsoleSession, sameOriginPath, SignInError } from './console-session';

/** sessionStorage as the browser keeps it, to look into. */
class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { aud: string; scope: string; client_id: string; jti: string };

/**
 * The console's OAuth client against the built auth-server: two resources signed in with
 * chained authorizations (a Portcullis grant is for one resource), PKCE and state checked,
 * tokens per resource, background refresh, sign-out. The "browser" is the cookie-keeping
 * test browser of libs/testing, going through the real login and consent pages.
 */
/**
 * A client shaped like the auth-server's own `portcullis-console`, under another id: its
 * callback is on another origin than the issuer's (below), which the real one's is not.
 */
const CLIENT_ID = 'console-session-test';

describe('ConsoleSession against the auth-server', () => {
  let dir: string;
  let server: AuthServer;
  let config: ConsoleConfig;
  const audit = 'http://localhost:3100/audit';
  const mcp = 'http://localhost:3000/mcp';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-session-'));
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    // The callback on another origin than the issuer's, so the test browser stops there and
    // hands it over instead of loading the console page.
    const callback = `http://localhost:${port}/console/callback`;
    const clients = join(dir, 'clients.json');
    writeFileSync(
      clients,
      JSON.stringify([
        {
          client_id: CLIENT_ID,
          client_name: 'Portcullis console',
          redirect_uris: [callback],
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'none',
          scope: 'audit:read sentiment:read offline_access',
        },
      ]),
    );
    // Access tokens that live 32 s: the session renews them 30 s early, so within seconds.
    // audit:read is for operators only (the admin role): both people here are operators.
    const operators = [USERS.root, USERS.bob].map((u) => `${u.username}:${u.password}:admin`).join(',');
    server = await startAuthServer('sqlite', { CLIENTS_FILE: clients, ACCESS_TOKEN_TTL: '32', BOOTSTRAP_USERS: operators }, { port });
    // The MCP resource stands in for the admin API here: any second resource shows the chaining.
    config = {
      issuer,
      client_id: CLIENT_ID,
      redirect_uri: callback,
      resources: [
        { name: 'audit', resource: audit, scopes: ['audit:read'] },
        { name: 'admin', resource: mcp, scopes: ['sentiment:read'] },
      ],
    };
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with one authorization per resource and holds a token for each, in memory only', async () => {
    const storage = new MemoryStorage();
    const sent: URL[] = [];
    const session = new ConsoleSession(config, storage, (url) => sent.push(new URL(url)));
    const browser = new Browser(config.issuer);

    await session.signIn('/console/audit');
    expect(sent).toHaveLength(1);
    const first = sent[0].searchParams;
    expect(Object.fromEntries(first)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: config.redirect_uri,
      scope: 'audit:read offline_access',
      resource: audit,
      code_challenge_method: 'S256',
    });
    expect(first.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.get('state')).toMatch(/^[A-Za-z0-9_-]{22,}$/);

    const one = await authorizeInBrowser(browser, sent[0], USERS.root);
    expect(one.sawLogin).toBe(true);
    // Not done yet: on to the second resource's authorization.
    expect(await session.completeSignIn(one.callback)).toBeUndefined();
    expect(sent).toHaveLength(2);
    expect(sent[1].searchParams.get('resource')).toBe(mcp);
    expect(sent[1].searchParams.get('scope')).toBe('sentiment:read offline_access');
    expect(sent[1].searchParams.get('state')).not.toBe(first.get('state'));

    // The login session carries over: no login page the second time.
    const two = await authorizeInBrowser(browser, sent[1], USERS.root);
    expect(two.sawLogin).toBe(false);
    expect(await session.completeSignIn(two.callback)).toBe('/console/audit');

    expect(session.signedIn).toBe(true);
    expect(claims(await session.accessToken('audit'))).toMatchObject({ aud: audit, scope: 'audit:read', client_id: CLIENT_ID });
    expect(claims(await session.accessToken('admin'))).toMatchObject({ aud: mcp, scope: 'sentiment:read' });
    // Nothing of the sign-in is left in the browser's storage.
    expect(storage.length).toBe(0);

    // In the background, before they expire, the tokens are renewed.
    const before = claims(await session.accessToken('audit')).jti;
    for (let i = 0; i < 100 && claims(await session.accessToken('audit')).jti === before; i++) await new Promise((r) => setTimeout(r, 200));
    expect(claims(await session.accessToken('audit')).jti).not.toBe(before);

    await session.signOut();
    expect(session.signedIn).toBe(false);
    await expect(session.accessToken('audit')).rejects.toThrow(SignInError);
  });

  it('refuses an authorization response it did not ask for (state) or one that was never started', async () => {
    const storage = new MemoryStorage();
    const sent: URL[] = [];
    const session = new ConsoleSession(config, storage, (url) => sent.push(new URL(url)));
    await expect(session.completeSignIn(new URL(`${config.redirect_uri}?code=abc&state=xyz`))).rejects.toThrow('this sign-in was not started here');

    await session.signIn();
    const { callback } = await authorizeInBrowser(new Browser(config.issuer), sent[0], USERS.root);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'someone-elses-state');
    await expect(session.completeSignIn(forged)).rejects.toThrow(SignInError);
    // The pending sign-in is gone with it: the real answer cannot be replayed afterwards.
    await expect(session.completeSignIn(callback)).rejects.toThrow('this sign-in was not started here');
    expect(session.signedIn).toBe(false);
  });

  it('reports the error an authorization server sends back', async () => {
    const storage = new MemoryStorage();
    const sent: URL[] = [];
    const session = new ConsoleSession(config, storage, (url) => sent.push(new URL(url)));
    await session.signIn();
    // bob has approved nothing yet, so the consent page asks him; he declines.
    const { callback, sawConsent } = await authorizeInBrowser(new Browser(config.issuer), sent[0], USERS.bob, 'deny');
    expect(sawConsent).toBe(true);
    await expect(session.completeSignIn(callback)).rejects.toThrow(/^access_denied/);
  });

  it('returns only to a path of the console after sign-in', () => {
    expect(sameOriginPath('/console/audit')).toBe('/console/audit');
    for (const bad of ['https://evil.example/console/', '//evil.example/console', '/consolex', '/other', '/console/\\evil']) expect(sameOriginPath(bad)).toBe('/console/');
  });
});
