import { Controller, Get, Module, Post, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '@portcullis/http';
import { Scope } from '@portcullis/scopes';
import { decodeJwt } from 'jose';
import { BearerAuthGuard } from './bearer-auth.guard';
import { CurrentPrincipal, RequireScopes, RequireScopesFor } from './require-scopes.decorator';
import type { Principal } from './principal';
import { ResourceServerModule } from './resource-server.module';
import { InMemoryRevocationList } from './revocation-list';
import { TestIssuer } from '@portcullis/testing';
import { ACCESS_DENIAL_LISTENERS, type AccessDenial } from './access-denial';

const RESOURCE = 'http://localhost:3000/mcp';
const METADATA = 'http://localhost:3000/.well-known/oauth-protected-resource/mcp';

@Controller()
class ProbeController {
  @Get('read')
  @UseGuards(BearerAuthGuard)
  @RequireScopes(Scope.WatchlistRead)
  read(@CurrentPrincipal() principal: Principal) {
    return { subject: principal.subject };
  }

  @Get('open')
  @UseGuards(BearerAuthGuard)
  open() {
    return { ok: true };
  }

  @Post('dynamic')
  @UseGuards(BearerAuthGuard)
  @RequireScopesFor((req) => {
    const body = req.body as { needs?: unknown } | undefined;
    return Array.isArray(body?.needs) ? (body.needs as string[]) : [];
  })
  dynamic() {
    return { ok: true };
  }
}

describe('BearerAuthGuard', () => {
  let issuer: TestIssuer;
  let app: NestFastifyApplication;
  const revocations = new InMemoryRevocationList();
  const denials: AccessDenial[] = [];

  beforeAll(async () => {
    issuer = await new TestIssuer(RESOURCE).start();
    @Module({
      imports: [
        ResourceServerModule.forRoot({
          issuer: issuer.issuer,
          resource: RESOURCE,
          resourceMetadataUrl: METADATA,
          baselineScopes: [Scope.SentimentAnalyze],
          revocations,
        }),
      ],
      controllers: [ProbeController],
      providers: [
        {
          provide: ACCESS_DENIAL_LISTENERS,
          useValue: [
            {
              accessDenied: () => {
                throw new Error('a broken listener');
              },
            },
            { accessDenied: (denial: AccessDenial) => void denials.push(denial) },
          ],
        },
      ],
    })
    class ProbeModule {}
    app = await createHttpApp(ProbeModule, { requestLog: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
    await issuer.stop();
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('lets a token with the scope through and exposes the principal', async () => {
    const res = await get('/read', { authorization: `Bearer ${await issuer.mint()}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ subject: 'alice' });
  });

  it('honours scope implications (watchlist:write implies watchlist:read)', async () => {
    const token = await issuer.mint({ claims: { scope: 'watchlist:write' } });
    expect((await get('/read', { authorization: `Bearer ${token}` })).statusCode).toBe(200);
  });

  it('answers no token with 401 and a challenge without an error attribute (RFC 6750 §3.1)', async () => {
    const res = await get('/read');
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(`Bearer scope="watchlist:read", resource_metadata="${METADATA}"`);
  });

  it('names no error code in the body of the 401 for a request without credentials (RFC 6750 §3.1)', async () => {
    const res = await get('/read');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error_description: 'an access token is required' });
  });

  it('names the baseline scopes in a 401 when the route needs none', async () => {
    const res = await get('/open');
    expect(res.headers['www-authenticate']).toBe(`Bearer scope="sentiment:analyze", resource_metadata="${METADATA}"`);
  });

  it('treats another authentication scheme as no token', async () => {
    const res = await get('/read', { authorization: 'Basic YWxpY2U6cHcx' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).not.toContain('error=');
    expect(res.json()).not.toHaveProperty('error');
  });

  it.each(['Bearer', 'Bearer a b', 'Bearer  two-spaces'])('rejects the malformed header %j with 400 invalid_request', async (header) => {
    const res = await get('/read', { authorization: header });
    expect(res.statusCode).toBe(400);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_request", error_description="[^"]+", resource_metadata=/);
  });

  it('rejects an invalid token with 401 invalid_token and the scope', async () => {
    const res = await get('/read', { authorization: 'Bearer not-a-jwt' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('invalid_token');
    expect(res.headers['www-authenticate']).toBe(
      `Bearer error="invalid_token", error_description="the access token is not a well-formed JWT", scope="watchlist:read", resource_metadata="${METADATA}"`,
    );
  });

  it('rejects a token in the query string, even a valid one', async () => {
    const token = await issuer.mint();
    const res = await get(`/read?access_token=${token}`);
    expect(res.statusCode).toBe(400);
    expect(res.headers['www-authenticate']).toContain('error="invalid_request"');
    const both = await get(`/read?access_token=${token}`, { authorization: `Bearer ${token}` });
    expect(both.statusCode).toBe(400);
  });

  it('rejects a token in a form body', async () => {
    const token = await issuer.mint();
    const res = await app.inject({
      method: 'POST',
      url: '/dynamic',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `access_token=${token}`,
    });
    expect(res.statusCode).toBe(400);
  });

  it('answers a token without the scope with 403 insufficient_scope naming every needed scope', async () => {
    const token = await issuer.mint({ claims: { scope: 'sentiment:analyze' } });
    const res = await app.inject({
      method: 'POST',
      url: '/dynamic',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: { needs: ['sentiment:analyze', 'watchlist:write'] },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toBe(
      `Bearer error="insufficient_scope", error_description="this operation needs the scope sentiment:analyze watchlist:write", scope="sentiment:analyze watchlist:write", resource_metadata="${METADATA}"`,
    );
  });

  it('refuses a revoked token that was verified (and cached) before', async () => {
    const token = await issuer.mint();
    expect((await get('/read', { authorization: `Bearer ${token}` })).statusCode).toBe(200);
    revocations.revoke(decodeJwt(token).jti as string);
    const res = await get('/read', { authorization: `Bearer ${token}` });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toContain('the access token has been revoked');
  });

  it('checks scopes and header shape on the cached fast path exactly as on first sight', async () => {
    const token = await issuer.mint({ claims: { scope: 'sentiment:analyze' } });
    expect((await get('/open', { authorization: `Bearer ${token}` })).statusCode).toBe(200); // now cached
    expect((await get('/read', { authorization: `Bearer ${token}` })).statusCode).toBe(403);
    expect((await get('/open', { authorization: `bearer ${token}` })).statusCode).toBe(200);
    expect((await get('/open', { authorization: `Bearer  ${token}` })).statusCode).toBe(400);
    expect((await get('/open', { authorization: `Bearer ${token} extra` })).statusCode).toBe(400);
    expect((await get(`/open?access_token=${token}`, { authorization: `Bearer ${token}` })).statusCode).toBe(400);
  });

  it('exposes WWW-Authenticate to browsers on a 401 (CORS)', async () => {
    const res = await get('/read', { origin: 'http://app.example' });
    expect(res.headers['access-control-expose-headers']).toContain('WWW-Authenticate');
  });

  describe('denial listeners', () => {
    beforeEach(() => (denials.length = 0));

    it('are told each refusal with its precise reason, and a failing one changes no answer', async () => {
      expect((await get('/read')).statusCode).toBe(401);
      expect((await get('/read', { authorization: 'Bearer a b' })).statusCode).toBe(400);
      expect((await get('/read', { authorization: 'Bearer not-a-jwt' })).statusCode).toBe(401);
      expect(denials).toEqual([
        { status: 401, reason: 'missing_token', description: 'an access token is required', requiredScopes: ['watchlist:read'] },
        { status: 400, reason: 'invalid_request', description: 'malformed Authorization header', requiredScopes: ['watchlist:read'] },
        { status: 401, reason: 'malformed', description: 'the access token is not a well-formed JWT', requiredScopes: ['watchlist:read'] },
      ]);
    });

    it('learn whose verified token lacked the scope (403), never the token itself', async () => {
      const token = await issuer.mint({ claims: { scope: 'sentiment:analyze' } });
      expect((await get('/read', { authorization: `Bearer ${token}` })).statusCode).toBe(403);
      expect(denials).toEqual([expect.objectContaining({ status: 403, reason: 'insufficient_scope', principal: expect.objectContaining({ subject: 'alice' }) })]);
      expect(JSON.stringify(denials)).not.toContain(token);
    });

    it('hear nothing of a request that is let through', async () => {
      expect((await get('/read', { authorization: `Bearer ${await issuer.mint()}` })).statusCode).toBe(200);
      expect(denials).toEqual([]);
    });
  });
});
