import { DataSource } from 'typeorm';
import { authConfigSchema } from '../config/auth-config';
import { authDataSourceOptions } from '../database/data-source-options';
import { ClientEntity } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { ClientMetadataDocumentResolver } from '../clients/metadata-document/client-metadata-document.resolver';
import { ResourceRegistry } from '../resources/resource-registry';
import { AuthorizationPageError } from './authorization-error-page.error';
import { AuthorizationRedirectError } from './authorization-redirect.error';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { AUTHORIZATION_PARAMETER_LIMITS } from './authorization-parameter-limits';
import { findRegisteredRedirect } from '@portcullis/oauth';
import fc from 'fast-check';

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('AuthorizationRequestValidator (SQLite)', () => {
  const config = authConfigSchema.parse({ SQLITE_PATH: ':memory:' });
  let db: DataSource;
  let validator: AuthorizationRequestValidator;

  beforeAll(async () => {
    db = await new DataSource(authDataSourceOptions(config)).initialize();
    const repo = db.getRepository(ClientEntity);
    const base = {
      secretHash: null,
      secretExpiresAt: null,
      tokenEndpointAuthMethod: 'none' as const,
      responseTypes: ['code'],
      scope: null,
      clientUri: null,
      logoUri: null,
      applicationType: 'native' as const,
      jwks: null,
      jwksUri: null,
      trusted: false,
      origin: 'dynamic' as const,
      registrationTokenHash: null,
      createdAt: Date.now(),
    };
    await repo.insert({ ...base, clientId: 'app', clientName: 'App', redirectUris: ['http://127.0.0.1/cb', 'https://app.example/cb'], grantTypes: ['authorization_code'] });
    await repo.insert({ ...base, clientId: 'single', clientName: 'Single', redirectUris: ['https://one.example/cb'], grantTypes: ['authorization_code'] });
    await repo.insert({ ...base, clientId: 'machine', clientName: 'M', redirectUris: ['https://m.example/cb'], grantTypes: ['client_credentials'] });
    const clients = new ClientsService(repo, new ClientMetadataDocumentResolver());
    validator = new AuthorizationRequestValidator(clients, new ResourceRegistry(config));
  });

  afterAll(() => db.destroy());

  const valid = {
    response_type: 'code',
    client_id: 'app',
    redirect_uri: 'https://app.example/cb',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    state: 's1',
    scope: 'sentiment:read',
    resource: 'http://localhost:3000/mcp',
  };

  async function outcome(params: Record<string, unknown>): Promise<string> {
    try {
      await validator.validate(params);
      return 'ok';
    } catch (err) {
      if (err instanceof AuthorizationPageError) return `page:${err.title}`;
      if (err instanceof AuthorizationRedirectError) return `redirect:${err.error}:${err.state ?? ''}`;
      throw err;
    }
  }

  it('accepts a valid request and canonicalises the resource', async () => {
    const request = await validator.validate({ ...valid, resource: 'HTTP://localhost:3000/mcp/' });
    expect(request.resource).toBe('http://localhost:3000/mcp');
    expect(request.scopes).toEqual(['sentiment:read']);
  });

  it('shows a page, never a redirect, for an unknown client or unregistered redirect URI', async () => {
    expect(await outcome({ ...valid, client_id: 'nobody' })).toMatch(/^page:/);
    expect(await outcome({ ...valid, client_id: undefined })).toMatch(/^page:/);
    expect(await outcome({ ...valid, redirect_uri: 'https://evil.example/cb' })).toMatch(/^page:/);
    expect(await outcome({ ...valid, redirect_uri: ['https://app.example/cb', 'https://evil.example/cb'] })).toMatch(/^page:/);
  });

  it('requires redirect_uri when more than one is registered, and infers the only one', async () => {
    expect(await outcome({ ...valid, redirect_uri: undefined })).toMatch(/^page:/);
    const request = await validator.validate({ ...valid, client_id: 'single', redirect_uri: undefined });
    expect(request.redirectUri).toBe('https://one.example/cb');
    expect(request.redirectUriGiven).toBe(false);
  });

  it('lets a loopback redirect URI use any port', async () => {
    expect(await outcome({ ...valid, redirect_uri: 'http://127.0.0.1:61234/cb' })).toBe('ok');
  });

  it.each([
    [{ code_challenge: undefined }, 'invalid_request'],
    [{ code_challenge_method: undefined }, 'invalid_request'],
    [{ code_challenge_method: 'plain' }, 'invalid_request'],
    [{ code_challenge: 'too-short' }, 'invalid_request'],
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ response_type: undefined }, 'invalid_request'],
    [{ resource: 'http://localhost:9999/other' }, 'invalid_target'],
    [{ resource: ['http://localhost:3000/mcp', 'http://localhost:3100/audit'] }, 'invalid_request'],
    [{ scope: 'audit:read' }, 'invalid_scope'],
    [{ scope: 'nonsense' }, 'invalid_scope'],
    [{ state: 's1', scope: ['a', 'b'] }, 'invalid_request'],
    [{ prompt: 'select_account' }, 'invalid_request'],
    [{ request: 'eyJ...' }, 'request_not_supported'],
    [{ response_mode: 'fragment' }, 'invalid_request'],
  ])('redirects %j with %s and the state', async (override, error) => {
    expect(await outcome({ ...valid, ...override })).toBe(`redirect:${error}:s1`);
  });

  it('refuses a request that leaves a required parameter out altogether, not only empty', async () => {
    for (const name of ['code_challenge_method', 'code_challenge', 'response_type'] as const) {
      const { [name]: _left, ...rest } = valid;
      expect(await outcome(rest)).toBe('redirect:invalid_request:s1');
    }
  });

  it('refuses a client not registered for the code grant', async () => {
    expect(await outcome({ ...valid, client_id: 'machine', redirect_uri: 'https://m.example/cb' })).toBe('redirect:unauthorized_client:s1');
  });

  it('falls back to the default resource when none is named', async () => {
    const request = await validator.validate({ ...valid, resource: undefined });
    expect(request.resource).toBe('http://localhost:3000/mcp');
  });

  it('answers a parameter over its limit precisely: a page for client_id and redirect_uri, invalid_request otherwise', async () => {
    expect(await outcome({ ...valid, client_id: 'c'.repeat(256) })).toMatch(/^page:/);
    expect(await outcome({ ...valid, redirect_uri: `https://app.example/cb?${'x'.repeat(2048)}` })).toMatch(/^page:/);
    expect(await outcome({ ...valid, state: 's'.repeat(1025) })).toBe('redirect:invalid_request:');
    expect(await outcome({ ...valid, state: 's'.repeat(1024) })).toBe('ok');
    for (const name of ['scope', 'resource', 'code_challenge', 'code_challenge_method', 'response_type', 'response_mode', 'prompt'] as const) {
      expect(await outcome({ ...valid, [name]: 'x'.repeat(AUTHORIZATION_PARAMETER_LIMITS[name] + 1) })).toBe('redirect:invalid_request:s1');
    }
  });

  it('hostile parameters (fast-check): only a page or a redirect to a registered URI; nothing over its limit is kept or echoed', async () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'binary', maxLength: 64 }),
      fc.integer({ min: 0, max: 5000 }).map((n) => 'x'.repeat(n)),
      fc.constantFrom('eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.x', '', 'http://127.0.0.1:1/cb', 'https://evil.example/cb', '%00', '\u0000'),
      fc.array(fc.string({ maxLength: 8 }), { minLength: 2, maxLength: 3 }),
    );
    const names = Object.keys(AUTHORIZATION_PARAMETER_LIMITS) as (keyof typeof AUTHORIZATION_PARAMETER_LIMITS)[];
    await fc.assert(
      fc.asyncProperty(fc.subarray(names, { minLength: 1 }), fc.array(hostile, { minLength: 10, maxLength: 10 }), async (chosen, values) => {
        const raw: Record<string, unknown> = { ...valid };
        chosen.forEach((name, i) => (raw[name] = values[i]));
        try {
          const request = await validator.validate(raw);
          expect((request.state ?? '').length).toBeLessThanOrEqual(AUTHORIZATION_PARAMETER_LIMITS.state);
          expect(request.redirectUri.length).toBeLessThanOrEqual(AUTHORIZATION_PARAMETER_LIMITS.redirect_uri);
          expect(request.scopes.join(' ').length).toBeLessThanOrEqual(AUTHORIZATION_PARAMETER_LIMITS.scope);
        } catch (err) {
          if (err instanceof AuthorizationPageError) return;
          expect(err).toBeInstanceOf(AuthorizationRedirectError);
          const redirect = err as AuthorizationRedirectError;
          expect(findRegisteredRedirect(redirect.redirectUri, ['http://127.0.0.1/cb', 'https://app.example/cb'])).toBeDefined();
          expect((redirect.state ?? '').length).toBeLessThanOrEqual(AUTHORIZATION_PARAMETER_LIMITS.state);
        }
      }),
      { numRuns: 300 },
    );
  });
});
