import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '@portcullis/http';
import { TestIssuer } from '@portcullis/testing';
import type { AccessDenial } from './access-denial';
import { AccessTokenVerifier } from './access-token-verifier';
import { BearerChallenges } from './bearer-challenges';
import { type BearerRequest, BearerStrategy } from './bearer.strategy';
import { type BearerGuardedRequest, PassportBearerGuard } from './passport-bearer.guard';
import { CurrentPrincipal } from './require-scopes.decorator';
import type { Principal } from './principal';

/** Two resources served by one process, each its own audience (RFC 8707), as the MCP gateway's upstreams are. */
const NAMES = ['north', 'south'];
const RESOURCES = NAMES.map((name) => `http://localhost:3300/${name}/mcp`);
const STRATEGY = 'spec-per-resource-bearer';
const metadataOf = (name: string) => `http://localhost:3300/.well-known/oauth-protected-resource/${name}/mcp`;

type SpecRequest = BearerGuardedRequest & BearerRequest & { params: { name: string } };

describe('PassportBearerGuard with a verifier chosen per request', () => {
  let issuer: TestIssuer;
  let app: NestFastifyApplication;
  const denials: AccessDenial[] = [];

  beforeAll(async () => {
    issuer = await new TestIssuer(RESOURCES[0]).start();
    const verifiers = new Map(NAMES.map((name, i) => [name, new AccessTokenVerifier({ issuer: issuer.issuer, resource: RESOURCES[i], jwksUri: `${issuer.issuer}/jwks` })]));
    const challenges = new Map(NAMES.map((name) => [name, new BearerChallenges(metadataOf(name), ['use'])]));

    @Injectable()
    class PerResourceGuard extends PassportBearerGuard(STRATEGY) {
      protected override requiredScopes(): readonly string[] {
        return ['use'];
      }
      protected override challengesFor(request: BearerGuardedRequest): BearerChallenges {
        return challenges.get((request as SpecRequest).params.name) as BearerChallenges;
      }
      protected override async report(denial: AccessDenial): Promise<void> {
        denials.push(denial);
      }
    }

    @Controller(':name/mcp')
    class ProbeController {
      @Get()
      @UseGuards(PerResourceGuard)
      probe(@CurrentPrincipal() principal: Principal) {
        return { audience: principal.audience };
      }
    }

    @Module({
      controllers: [ProbeController],
      providers: [
        { provide: BearerStrategy, useFactory: () => new BearerStrategy((request) => verifiers.get((request as SpecRequest).params.name) as AccessTokenVerifier, STRATEGY) },
        PerResourceGuard,
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
  beforeEach(() => (denials.length = 0));

  const get = (name: string, token: string) => app.inject({ method: 'GET', url: `/${name}/mcp`, headers: { authorization: `Bearer ${token}` } });

  it('verifies each request with the verifier of the resource it addresses', async () => {
    const north = await issuer.mint({ claims: { scope: 'use', aud: RESOURCES[0] } });
    const south = await issuer.mint({ claims: { scope: 'use', aud: RESOURCES[1] } });
    expect((await get('north', north)).json()).toEqual({ audience: RESOURCES[0] });
    expect((await get('south', south)).json()).toEqual({ audience: RESOURCES[1] });
  });

  it("refuses a token for one resource at the other, even once the first has cached it, with the other's challenge", async () => {
    const north = await issuer.mint({ claims: { scope: 'use', aud: RESOURCES[0] } });
    expect((await get('north', north)).statusCode).toBe(200);
    const res = await get('south', north);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer error="invalid_token", error_description="the access token was issued for another resource", scope="use", resource_metadata="${metadataOf('south')}"`,
    );
    expect(denials).toEqual([{ status: 401, reason: 'wrong_audience', description: 'the access token was issued for another resource', requiredScopes: ['use'] }]);
  });

  it('checks the scopes on top, with the addressed resource named', async () => {
    const res = await get('south', await issuer.mint({ claims: { scope: 'other', aud: RESOURCES[1] } }));
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toContain(`resource_metadata="${metadataOf('south')}"`);
    expect(denials).toEqual([expect.objectContaining({ status: 403, reason: 'insufficient_scope', principal: expect.objectContaining({ audience: RESOURCES[1] }) })]);
  });
});
