import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

/**
 * Stands in for the authorization server in query-API tests: serves RFC 8414 metadata and a
 * JWKS over loopback and mints RFC 9068 access tokens with an Ed25519 key.
 */
export class TestTokenIssuer {
  issuer = '';
  private server?: Server;
  private key!: CryptoKey;
  private jwk!: JWK;
  private readonly kid = randomUUID();

  async start(): Promise<this> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    this.key = privateKey;
    this.jwk = { ...(await exportJWK(publicKey)), kid: this.kid, alg: 'EdDSA', use: 'sig' };
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/jwks') res.end(JSON.stringify({ keys: [this.jwk] }));
      else if (req.url === '/.well-known/oauth-authorization-server') res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` }));
      else res.writeHead(404).end('{}');
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise((r) => this.server?.close(r));
  }

  mint(audience: string, scope: string, claims: Record<string, unknown> = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ iss: this.issuer, sub: 'auditor', aud: audience, client_id: 'audit-client', scope, jti: randomUUID(), iat: now, exp: now + 600, ...claims })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: this.kid })
      .sign(this.key);
  }
}
