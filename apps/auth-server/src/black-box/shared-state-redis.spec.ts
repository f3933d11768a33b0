import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { type AuthServer, endpoint, freePort, MCP, oauthError, registerTrustedClient, registrationResponse, startAuthServer } from '@portcullis/testing';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const openRegistration = (server: AuthServer, i: number) =>
  registrationResponse(server, { client_name: `redis ${i}`, redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' });

/** A private_key_jwt client and a token request with a fresh assertion of its own. */
async function privateKeyJwtClient(server: AuthServer) {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const client = await registerTrustedClient(server, {
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [{ ...(await exportJWK(pair.publicKey)), alg: 'ES256', use: 'sig' }] },
  });
  return async (assertion?: string) => {
    const jwt =
      assertion ??
      (await new SignJWT({ jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(client.client_id)
        .setSubject(client.client_id)
        .setAudience(server.issuer)
        .setExpirationTime('2m')
        .sign(pair.privateKey));
    const res = await fetch(endpoint(server, 'token_endpoint'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: MCP, scope: 'sentiment:read', client_assertion_type: JWT_BEARER, client_assertion: jwt }),
    });
    return { res, jwt };
  };
}

/** REDIS_URL: the built server keeps its shared state in Redis (SQLite here, so nothing of it is in the database). */
describe('auth-server shared state in Redis (REDIS_URL)', () => {
  const prefix = `portcullis:test:${randomBytes(4).toString('hex')}:`;
  let server: AuthServer;
  let redis: Redis;

  beforeAll(async () => {
    server = await startAuthServer('sqlite', { REDIS_URL, REDIS_KEY_PREFIX: prefix, REGISTRATION_RATE_LIMIT: '2' }, { timeoutMs: 90_000 });
    redis = new Redis(REDIS_URL);
  }, 200_000);
  afterAll(async () => {
    await server?.stop();
    if (redis) {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });

  it('counts open registrations in Redis: the count survives a restart of the process', async () => {
    expect((await openRegistration(server, 1)).status).toBe(201);
    expect((await openRegistration(server, 2)).status).toBe(201);
    expect((await openRegistration(server, 3)).status).toBe(429);
    expect((await redis.keys(`${prefix}count:registration*`)).length).toBe(1);
    await server.restart();
    expect((await openRegistration(server, 4)).status).toBe(429);
  }, 60_000);

  it('remembers a client assertion in Redis: replayed after a restart, it is refused', async () => {
    const tokenRequest = await privateKeyJwtClient(server);
    const first = await tokenRequest();
    expect(first.res.status).toBe(200);
    await server.restart();
    expect(await oauthError((await tokenRequest(first.jwt)).res)).toMatchObject({ status: 401, error: 'invalid_client', description: 'client assertion was already used' });
  }, 200_000);
});

describe('auth-server with REDIS_URL unreachable', () => {
  let server: AuthServer;

  beforeAll(async () => {
    const deadPort = await freePort();
    server = await startAuthServer('sqlite', { REDIS_URL: `redis://127.0.0.1:${deadPort}`, REGISTRATION_RATE_LIMIT: '1' }, { timeoutMs: 90_000 });
  }, 200_000);
  afterAll(async () => server?.stop());

  it('refuses private_key_jwt authentication (the replay ledger fails closed) with 503, not 500', async () => {
    const tokenRequest = await privateKeyJwtClient(server);
    expect(await oauthError((await tokenRequest()).res)).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
  }, 60_000);

  it('lets open registrations through (the brake fails open): past the limit of 1, still 201', async () => {
    expect((await openRegistration(server, 1)).status).toBe(201);
    expect((await openRegistration(server, 2)).status).toBe(201);
    // Under NODE_ENV=test the server logs errors only: the replay ledger's refusal is one.
    expect(server.service.output()).toContain('client assertion replay ledger unavailable');
  }, 60_000);
});
