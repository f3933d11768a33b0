import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AccessTokenVerifier, BearerStrategy } from '@portcullis/resource-server';
import { EventSink, freePort, TestIssuer } from '@portcullis/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import passport from 'passport';
import { createGatewayApp } from '../bootstrap';
import { inProcessGatewayConfig } from '../testing/in-process-gateway';
import { type RecordingUpstream, startStatelessUpstream } from '../testing/upstreams';
import { UPSTREAM_BEARER_STRATEGY, UpstreamBearerStrategy } from './upstream-bearer.strategy';

/** passport's registry, read as passport.authenticate reads it (not in its type declarations). */
const registered = (name: string) => (passport as unknown as { _strategy(name: string): unknown })._strategy(name);

/**
 * The gateway in-process with one upstream: its tokens are checked by the strategy passport
 * holds under the gateway's name, on every request, not by the guard calling a verifier itself.
 */
describe('UpstreamAccessGuard authenticates through passport', () => {
  let dir: string;
  let upstream: RecordingUpstream;
  let issuer: TestIssuer;
  let sink: EventSink;
  let app: NestFastifyApplication;
  let host: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-passport-'));
    upstream = await startStatelessUpstream();
    const port = await freePort();
    host = `127.0.0.1:${port}`;
    issuer = await new TestIssuer(`http://${host}/plain/mcp`).start();
    sink = await new EventSink().start();
    const file = join(dir, 'gateway.json');
    writeFileSync(
      file,
      JSON.stringify({
        publicUrl: `http://${host}`,
        upstreams: [{ name: 'plain', url: upstream.url, scopes: [{ name: 'plain:use', description: 'Use it' }], connectScopes: ['plain:use'], uncoveredTools: 'allow' }],
      }),
    );
    const config = inProcessGatewayConfig({ port, file, issuer, sink });
    app = await createGatewayApp(config, { requestLog: false });
  });

  afterAll(async () => {
    await app.close();
    await Promise.all([upstream.stop(), issuer.stop(), sink.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const listTools = (token: string) =>
    app.inject({
      method: 'POST',
      url: '/plain/mcp',
      headers: { host, 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}` },
      payload: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });

  it('registers its strategy with passport under the name its guard authenticates with', () => {
    expect(registered(UPSTREAM_BEARER_STRATEGY)).toBe(app.get(UpstreamBearerStrategy));
  });

  it('lets a request through only as the strategy passport holds decides', async () => {
    const token = await issuer.mint({ claims: { scope: 'plain:use' } });
    const passed = upstream.requests.length;
    expect((await listTools(token)).statusCode).toBe(200);
    expect(upstream.requests.length).toBe(passed + 1);

    // Another strategy under the same name, verifying for another audience: the very token the
    // upstream's verifier accepted (and has cached) is now refused, so passport decided it.
    const elsewhere = new AccessTokenVerifier({ issuer: issuer.issuer, resource: 'https://elsewhere.example/mcp', jwksUri: `${issuer.issuer}/jwks` });
    new BearerStrategy(() => elsewhere, UPSTREAM_BEARER_STRATEGY);
    try {
      const refused = await listTools(token);
      expect(refused.statusCode).toBe(401);
      // Still the upstream's own challenge: the guard's steps around passport are unchanged.
      expect(refused.headers['www-authenticate']).toBe(
        `Bearer error="invalid_token", error_description="the access token was issued for another resource", scope="plain:use", resource_metadata="http://${host}/.well-known/oauth-protected-resource/plain/mcp"`,
      );
      expect(upstream.requests.length).toBe(passed + 1);
    } finally {
      passport.use(UPSTREAM_BEARER_STRATEGY, app.get(UpstreamBearerStrategy));
    }
    expect((await listTools(token)).statusCode).toBe(200);
  });

  it('fails closed, serving nothing, when passport knows no strategy by that name', async () => {
    const token = await issuer.mint({ claims: { scope: 'plain:use' } });
    const passed = upstream.requests.length;
    passport.unuse(UPSTREAM_BEARER_STRATEGY);
    try {
      expect((await listTools(token)).statusCode).toBe(500);
      expect(upstream.requests.length).toBe(passed);
    } finally {
      passport.use(UPSTREAM_BEARER_STRATEGY, app.get(UpstreamBearerStrategy));
    }
  });
});
