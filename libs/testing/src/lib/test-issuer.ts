import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK, SignJWT } from 'jose';

export interface MintOptions {
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** Drop these claims from the defaults. */
  omit?: string[];
  kid?: string;
}

/**
 * A stand-in authorization server for verifier tests: an Ed25519 key, its JWKS and RFC 8414
 * metadata served over loopback HTTP, and a minter for RFC 9068 tokens. It counts JWKS fetches
 * so tests can see the refetch cooldown at work.
 */
export class TestIssuer {
  jwksFetches = 0;
  /** Served at /revocations like the authorization server's catch-up list (docs/events.md). */
  readonly revoked: { jti: string; expires_at: number }[] = [];
  private server?: Server;
  private publicJwk!: JWK;
  private privateKey!: CryptoKey;
  readonly kid = randomUUID();
  issuer = '';

  constructor(readonly resource: string) {}

  async start(): Promise<this> {
    const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
    this.privateKey = privateKey;
    this.publicJwk = { ...(await exportJWK(publicKey)), kid: this.kid, alg: 'EdDSA', use: 'sig' };
    this.server = createServer((req, res) => {
      if (req.url === '/jwks') {
        this.jwksFetches += 1;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [this.publicJwk] }));
      } else if (req.url === '/revocations') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ revocations: this.revoked }));
      } else if (req.url === '/.well-known/oauth-authorization-server') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` }));
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The public key as JWK, e.g. to abuse as an HMAC secret. */
  get publicKey(): JWK {
    return this.publicJwk;
  }

  async mint(options: MintOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.issuer,
      sub: 'alice',
      aud: this.resource,
      client_id: 'client-1',
      scope: 'sentiment:analyze watchlist:read',
      jti: randomUUID(),
      iat: now,
      exp: now + 600,
      ...options.claims,
    };
    for (const name of options.omit ?? []) delete claims[name];
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: options.kid ?? this.kid, ...options.header } as { alg: string })
      .sign(this.privateKey);
  }
}

/** Encodes an unsigned token (`alg: none`), which jose refuses to produce. */
export function unsecuredToken(claims: Record<string, unknown>): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${enc({ alg: 'none', typ: 'at+jwt' })}.${enc(claims)}.`;
}
