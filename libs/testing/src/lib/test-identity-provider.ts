import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK, SignJWT } from 'jose';

export interface AssertionOptions {
  /** Claims over the defaults (iss = this issuer, a fresh jti, iat = now, exp = now + 5 min). */
  claims?: Record<string, unknown>;
  /** Header parameters over { alg: ES256, kid }; `typ: undefined` leaves typ out. */
  header?: Record<string, unknown>;
  /** Default claims to leave out. */
  omit?: string[];
  /** Sign with a key the JWKS does not publish (a forgery under the same kid). */
  forged?: boolean;
}

/**
 * A stand-in for an enterprise IdP or a workload platform: its own ES256 key, its JWKS over
 * loopback HTTP (counting fetches; `down` answers 503), and a minter for the JWTs it would
 * issue — ID-JAGs (typ oauth-id-jag+jwt) and workload tokens alike, as the test asks.
 */
export class TestIdentityProvider {
  jwksFetches = 0;
  /** While true, the JWKS endpoint answers 503, as an IdP in an outage does. */
  down = false;
  issuer = '';
  readonly kid = randomUUID();
  private server?: Server;
  private publicJwk!: JWK;
  private privateKey!: CryptoKey;
  private forgerKey!: CryptoKey;

  async start(): Promise<this> {
    const pair = await generateKeyPair('ES256', { extractable: true });
    this.privateKey = pair.privateKey;
    this.forgerKey = (await generateKeyPair('ES256')).privateKey;
    this.publicJwk = { ...(await exportJWK(pair.publicKey)), kid: this.kid, alg: 'ES256', use: 'sig' };
    const server = createServer((req, res) => {
      if (req.url !== '/jwks') return void res.writeHead(404).end();
      this.jwksFetches += 1;
      if (this.down) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [this.publicJwk] }));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  get jwksUri(): string {
    return `${this.issuer}/jwks`;
  }

  async mint(options: AssertionOptions = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = { iss: this.issuer, jti: randomUUID(), iat: now, exp: now + 300, ...options.claims };
    for (const name of options.omit ?? []) delete claims[name];
    const header: Record<string, unknown> = { alg: 'ES256', kid: this.kid, ...options.header };
    for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
    return new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(options.forged ? this.forgerKey : this.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
