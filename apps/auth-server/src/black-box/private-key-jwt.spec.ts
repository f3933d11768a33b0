import * as oauth from 'oauth4webapi';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey } from 'jose';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AuthServer, endpoint, insecure, MCP, oauthError, RegisteredClient, registerTrustedClient, startAuthServer } from '@portcullis/testing';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const WORKSPACE = join(__dirname, '../../../..');

/**
 * The assertion the MCP SDK v2 (`@modelcontextprotocol/client`, whose PrivateKeyJwtProvider
 * uses createPrivateKeyJwtAuth) makes for the token endpoint, given the discovered metadata.
 * Run in its own Node process: the SDK loads jose by dynamic import, which Jest cannot.
 */
async function sdkAssertion(env: Record<string, string>): Promise<string> {
  const script = `
    import { createPrivateKeyJwtAuth } from '@modelcontextprotocol/client';
    const auth = createPrivateKeyJwtAuth({ issuer: process.env.CID, subject: process.env.CID, privateKey: JSON.parse(process.env.JWK), alg: 'ES256' });
    const params = new URLSearchParams();
    await auth(new Headers(), params, new URL(process.env.TOKEN_ENDPOINT), { issuer: process.env.ISSUER });
    process.stdout.write(params.get('client_assertion'));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: WORKSPACE, env: { ...process.env, ...env } });
  return stdout;
}

/**
 * private_key_jwt client authentication (RFC 7523 §3, draft-ietf-oauth-rfc7523bis): a short
 * lifetime, the issuer identifier as the sole audience, each jti once.
 */
describe('auth-server black box on sqlite: private_key_jwt client assertions', () => {
  let server: AuthServer;
  let client: RegisteredClient;
  let privateKey: CryptoKey;
  let privateJwk: Record<string, unknown>;

  beforeAll(async () => {
    server = await startAuthServer('sqlite');
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    privateJwk = { ...(await exportJWK(pair.privateKey)) };
    client = await registerTrustedClient(server, {
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), alg: 'ES256', use: 'sig' }] },
    });
  }, 60_000);
  afterAll(async () => server?.stop());

  const now = () => Math.floor(Date.now() / 1000);

  /** An assertion with the given claims over iss = sub = client_id, signed with the client's key. */
  function assertion(claims: { aud?: string; exp: number; iat?: number; jti?: string }): Promise<string> {
    const jwt = new SignJWT({ jti: claims.jti ?? randomUUID() })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(client.client_id)
      .setSubject(client.client_id)
      .setAudience(claims.aud ?? server.issuer)
      .setExpirationTime(claims.exp);
    if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
    return jwt.sign(privateKey);
  }

  function tokenRequest(clientAssertion: string): Promise<Response> {
    return fetch(endpoint(server, 'token_endpoint'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        resource: MCP,
        scope: 'sentiment:read',
        client_assertion_type: JWT_BEARER,
        client_assertion: clientAssertion,
      }),
    });
  }

  it('accepts the assertion oauth4webapi makes (aud = issuer)', async () => {
    const res = await oauth.clientCredentialsGrantRequest(server.as, client, oauth.PrivateKeyJwt(privateKey), { resource: MCP, scope: 'sentiment:read' }, insecure);
    const tokens = await oauth.processClientCredentialsResponse(server.as, client, res);
    expect(tokens.access_token).toBeTruthy();
  });

  it("accepts the assertion the MCP SDK v2's private_key_jwt helper makes (aud = the discovered issuer, five minutes)", async () => {
    const assertion = await sdkAssertion({
      CID: client.client_id,
      JWK: JSON.stringify(privateJwk),
      TOKEN_ENDPOINT: endpoint(server, 'token_endpoint'),
      ISSUER: server.as.issuer,
    });
    const res = await tokenRequest(assertion);
    expect(res.status).toBe(200);
  });

  it('accepts a short assertion without iat (RFC 7523 §3: iat is optional)', async () => {
    const res = await tokenRequest(await assertion({ exp: now() + 60 }));
    expect(res.status).toBe(200);
  });

  it('refuses an assertion that expires in 2^45 seconds: invalid_client', async () => {
    const res = await tokenRequest(await assertion({ exp: 2 ** 45, iat: now() }));
    expect(await oauthError(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('refuses an assertion valid for an hour, with or without iat', async () => {
    for (const iat of [now(), undefined]) {
      const res = await tokenRequest(await assertion({ exp: now() + 3600, iat }));
      expect(await oauthError(res)).toMatchObject({ status: 401, error: 'invalid_client' });
    }
  });

  it('refuses an assertion whose exp - iat exceeds five minutes even when it expires soon', async () => {
    const res = await tokenRequest(await assertion({ exp: now() + 60, iat: now() - 3600 }));
    expect(await oauthError(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('accepts only the issuer identifier as aud: the token endpoint URL is refused', async () => {
    const res = await tokenRequest(await assertion({ aud: endpoint(server, 'token_endpoint'), exp: now() + 60, iat: now() }));
    expect(await oauthError(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('accepts each jti once', async () => {
    const jti = randomUUID();
    expect((await tokenRequest(await assertion({ exp: now() + 60, iat: now(), jti }))).status).toBe(200);
    const replay = await tokenRequest(await assertion({ exp: now() + 60, iat: now(), jti }));
    expect(await oauthError(replay)).toMatchObject({ status: 401, error: 'invalid_client' });
  });
});
