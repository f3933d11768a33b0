import { Logger } from '@nestjs/common';
import type { Principal } from '@portcullis/resource-server';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import type { GatewayConfig } from '../config/gateway.config';
import { IDENTITY_TOKEN_TYPE, IdentitySigner } from './identity-signer';

const principal: Principal = {
  subject: 'user-1',
  clientId: 'client-1',
  scopes: ['files:read', 'files:write'],
  jti: 'at-1',
  issuedAt: Math.floor(Date.now() / 1000),
  expiresAt: new Date(Date.now() + 600_000),
  audience: 'https://gw.example/files/mcp',
};

async function signer(identityKeyPem?: string): Promise<IdentitySigner> {
  const s = new IdentitySigner({ publicUrl: 'https://gw.example', identityKeyPem } as GatewayConfig);
  await s.onModuleInit();
  return s;
}

describe('identity signer', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

  it('signs a short-lived EdDSA JWT for one upstream that its public key set verifies, and nothing private is published', async () => {
    const s = await signer();
    const token = await s.identityToken(principal, 'http://files.internal/mcp');
    const { payload } = await jwtVerify(token, createLocalJWKSet(s.jwks()), {
      issuer: 'https://gw.example',
      audience: 'http://files.internal/mcp',
      typ: IDENTITY_TOKEN_TYPE,
      algorithms: ['EdDSA'],
    });
    expect(payload).toMatchObject({ sub: 'user-1', client_id: 'client-1', scope: 'files:read files:write' });
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
    expect(decodeProtectedHeader(token).kid).toBe(s.jwks().keys[0].kid);
    expect(Object.keys(s.jwks().keys[0]).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
  });

  it('reuses the token for the same access token and upstream, never across upstreams', async () => {
    const s = await signer();
    const first = await s.identityToken(principal, 'http://a/mcp');
    expect(await s.identityToken(principal, 'http://a/mcp')).toBe(first);
    expect(await s.identityToken(principal, 'http://b/mcp')).not.toBe(first);
    expect(await s.identityToken({ ...principal, jti: 'at-2' }, 'http://a/mcp')).not.toBe(first);
  });

  it('signs with the configured key, so every replica publishes the same key set', async () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const [a, b] = [await signer(pem), await signer(pem)];
    expect(a.jwks()).toEqual(b.jwks());
    await expect(jwtVerify(await a.identityToken(principal, 'http://a/mcp'), createLocalJWKSet(b.jwks()))).resolves.toBeDefined();
  });
});
