import { OAuthError } from '@portcullis/oauth';
import { ClientMetadata, MetadataPolicy, validateClientMetadata } from './client-metadata.validator';

const open: MetadataPolicy = { source: 'registration', trusted: false };
const trusted: MetadataPolicy = { source: 'registration', trusted: true };
const cimd: MetadataPolicy = { source: 'metadata_document', trusted: false };
const publicKey = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' };

function rejection(input: unknown, policy: MetadataPolicy = open): { error: string; description: string } {
  try {
    validateClientMetadata(input, policy);
  } catch (err) {
    if (err instanceof OAuthError) return { error: err.error, description: err.description };
    throw err;
  }
  throw new Error('expected the metadata to be refused');
}

const base = { redirect_uris: ['https://app.example/cb'] };

describe('validateClientMetadata', () => {
  it('applies the RFC 7591 defaults', () => {
    expect(validateClientMetadata(base, open)).toEqual<ClientMetadata>({
      redirectUris: ['https://app.example/cb'],
      tokenEndpointAuthMethod: 'client_secret_basic',
      grantTypes: ['authorization_code'],
      responseTypes: ['code'],
      applicationType: 'web',
      clientName: null,
      clientUri: null,
      logoUri: null,
      scope: null,
      jwks: null,
      jwksUri: null,
      resourceServer: null,
    });
  });

  describe('resource_server (operator only)', () => {
    const MCP = 'https://mcp.example/mcp';
    const operator: MetadataPolicy = { source: 'preregistered', trusted: true, resources: [MCP] };
    const rs = { grant_types: ['client_credentials'], resource_server: `${MCP}/` };

    it('names a known resource, stored in canonical form', () => {
      expect(validateClientMetadata(rs, operator).resourceServer).toBe(MCP);
    });

    it.each([
      ['from a registration request, even a trusted one', rs, trusted, /only be set by the operator/],
      ['from a metadata document', { ...base, resource_server: MCP }, cimd, /only be set by the operator/],
      ['for an unknown resource', { ...rs, resource_server: 'https://elsewhere.example/mcp' }, operator, /not a resource of this server/],
      ['that is not a string', { ...rs, resource_server: true }, operator, /must be a resource URL/],
      ['longer than 2048 characters', { ...rs, resource_server: `${MCP}?${'a'.repeat(2100)}` }, operator, /longer than 2048/],
      [
        'for a public client',
        { ...base, token_endpoint_auth_method: 'none', application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'], resource_server: MCP },
        operator,
        /confidential client/,
      ],
    ])('is refused %s', (_name, input, policy, message) => {
      const refused = rejection(input, policy);
      expect(refused.error).toBe('invalid_client_metadata');
      expect(refused.description).toMatch(message);
    });
  });

  it('defaults a metadata document to a public client', () => {
    expect(validateClientMetadata(base, cimd).tokenEndpointAuthMethod).toBe('none');
  });

  it('ignores metadata it does not understand', () => {
    const m = validateClientMetadata({ ...base, contacts: ['a@b'], software_statement: 'x', 'client_name#ja': 'y', client_id: 'mine' }, open);
    expect(m).not.toHaveProperty('contacts');
    expect(m.clientName).toBeNull();
  });

  it('refuses a body that is not an object', () => {
    for (const body of [null, [], 'x', 3]) expect(rejection(body).error).toBe('invalid_client_metadata');
  });

  describe('redirect URIs (invalid_redirect_uri)', () => {
    it.each([
      ['missing for authorization_code', {}, /required/],
      ['not an array', { redirect_uris: 'https://app.example/cb' }, /array of strings/],
      ['empty for authorization_code', { redirect_uris: [] }, /required/],
      ['relative', { redirect_uris: ['/cb'] }, /not an absolute URI/],
      ['with a fragment', { redirect_uris: ['https://app.example/cb#x'] }, /fragment/],
      ['with userinfo', { redirect_uris: ['https://user:pw@app.example/cb'] }, /userinfo/],
      ['with an empty userinfo', { redirect_uris: ['https://@app.example/cb'] }, /userinfo/],
      ['with a wildcard', { redirect_uris: ['https://*.app.example/cb'] }, /wildcard/],
      ['with whitespace', { redirect_uris: [' https://app.example/cb'] }, /whitespace/],
      ['http on a remote host', { redirect_uris: ['http://app.example/cb'] }, /not loopback/],
      ['too long', { redirect_uris: [`https://app.example/${'a'.repeat(2048)}`] }, /longer than/],
      ['too many', { redirect_uris: Array.from({ length: 21 }, (_, i) => `https://app.example/${i}`) }, /at most 20/],
    ])('refuses redirect URIs %s', (_name, input, message) => {
      const r = rejection(input);
      expect(r.error).toBe('invalid_redirect_uri');
      expect(r.description).toMatch(message);
    });

    it('lets web clients use https and http loopback (MCP: "localhost or HTTPS")', () => {
      const uris = ['https://app.example/cb', 'http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'http://localhost:3000/cb'];
      expect(validateClientMetadata({ redirect_uris: uris }, open).redirectUris).toEqual(uris);
    });

    it('keeps private-use schemes for native clients', () => {
      expect(rejection({ redirect_uris: ['com.example.app:/cb'] })).toMatchObject({ error: 'invalid_redirect_uri', description: expect.stringMatching(/native/) });
      expect(validateClientMetadata({ redirect_uris: ['com.example.app:/cb'], application_type: 'native' }, open).redirectUris).toEqual([
        'com.example.app:/cb',
      ]);
    });

    it('lets native clients use loopback http and claimed https, never remote http', () => {
      const native = { application_type: 'native' };
      expect(validateClientMetadata({ ...native, redirect_uris: ['http://127.0.0.1/cb', 'https://app.example/cb'] }, open).applicationType).toBe(
        'native',
      );
      expect(rejection({ ...native, redirect_uris: ['http://app.example/cb'] }).error).toBe('invalid_redirect_uri');
    });

    it.each([['javascript:alert(1)'], ['data:text/html,x'], ['file:///etc/passwd'], ['myapp:/cb']])(
      'refuses the non-reverse-domain scheme of %s even for native clients',
      (uri) => expect(rejection({ application_type: 'native', redirect_uris: [uri] }).error).toBe('invalid_redirect_uri'),
    );

    it('allows no redirect URIs for a client_credentials client', () => {
      expect(validateClientMetadata({ grant_types: ['client_credentials'] }, trusted).redirectUris).toEqual([]);
    });
  });

  it('refuses an unknown application_type', () => {
    expect(rejection({ ...base, application_type: 'desktop' })).toMatchObject({ error: 'invalid_client_metadata', description: expect.stringMatching(/application_type/) });
  });

  it('refuses an unknown token_endpoint_auth_method', () => {
    expect(rejection({ ...base, token_endpoint_auth_method: 'tls_client_auth' }).error).toBe('invalid_client_metadata');
    expect(rejection({ ...base, token_endpoint_auth_method: 7 }).error).toBe('invalid_client_metadata');
  });

  describe('grant and response types', () => {
    it.each([
      ['an unsupported grant type', { grant_types: ['implicit'] }, /not supported/],
      ['an empty grant_types', { grant_types: [] }, /must not be empty/],
      ['grant_types that are not strings', { grant_types: [1] }, /array of strings/],
      ['an unsupported response type', { response_types: ['token'] }, /not supported/],
      ['authorization_code without code', { response_types: [] }, /needs response type "code"/],
      ['code without authorization_code', { grant_types: ['client_credentials'], response_types: ['code'] }, /needs grant type authorization_code/],
      ['refresh_token alone', { grant_types: ['refresh_token'] }, /together with authorization_code/],
    ])('refuses %s', (_name, input, message) => {
      const r = rejection({ ...base, ...input }, trusted);
      expect(r.error).toBe('invalid_client_metadata');
      expect(r.description).toMatch(message);
    });

    it('accepts authorization_code with refresh_token', () => {
      expect(validateClientMetadata({ ...base, grant_types: ['authorization_code', 'refresh_token'] }, open).grantTypes).toEqual([
        'authorization_code',
        'refresh_token',
      ]);
    });

    it('derives response_types from grant_types when omitted', () => {
      expect(validateClientMetadata({ grant_types: ['client_credentials'] }, trusted).responseTypes).toEqual([]);
    });

    it('keeps client_credentials for trusted confidential clients', () => {
      expect(rejection({ grant_types: ['client_credentials'] })).toMatchObject({
        error: 'invalid_client_metadata',
        description: expect.stringMatching(/only for trusted clients/),
      });
      expect(rejection({ grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, trusted).description).toMatch(/confidential/);
      expect(rejection({ ...base, grant_types: ['authorization_code', 'client_credentials'] }, { source: 'metadata_document', trusted: true }).description).toMatch(
        /metadata document/,
      );
      expect(validateClientMetadata({ grant_types: ['client_credentials'] }, trusted).grantTypes).toEqual(['client_credentials']);
    });

    it('keeps the jwt-bearer grant from open registration; the operator, trusted registration and metadata documents may list it', () => {
      const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
      expect(rejection({ grant_types: [jwtBearer] })).toMatchObject({ error: 'invalid_client_metadata', description: expect.stringMatching(/only for trusted clients/) });
      expect(validateClientMetadata({ grant_types: [jwtBearer], token_endpoint_auth_method: 'none' }, trusted).grantTypes).toEqual([jwtBearer]);
      expect(validateClientMetadata({ grant_types: [jwtBearer], token_endpoint_auth_method: 'none' }, { source: 'preregistered', trusted: true }).responseTypes).toEqual([]);
      expect(validateClientMetadata({ ...base, grant_types: ['authorization_code', jwtBearer] }, cimd).grantTypes).toEqual(['authorization_code', jwtBearer]);
    });
  });

  describe('scope', () => {
    it('normalises a known scope list', () => {
      expect(validateClientMetadata({ ...base, scope: ' sentiment:read  watchlist:write sentiment:read ' }, open).scope).toBe('sentiment:read watchlist:write');
    });

    it.each([
      ['an unknown scope', 'sentiment:read admin', /'admin' is unknown/],
      ['a malformed scope', 'sentiment:read "quoted"', /malformed/],
      ['a non-string scope', ['sentiment:read'], /space-separated string/],
    ])('refuses %s', (_name, scope, message) => {
      expect(rejection({ ...base, scope })).toMatchObject({ error: 'invalid_client_metadata', description: expect.stringMatching(message) });
    });

    it('keeps privileged scopes for trusted clients', () => {
      expect(rejection({ ...base, scope: 'audit:read' })).toMatchObject({
        error: 'invalid_client_metadata',
        description: expect.stringMatching(/'audit:read' is privileged/),
      });
      expect(validateClientMetadata({ ...base, scope: 'audit:read' }, trusted).scope).toBe('audit:read');
    });
  });

  describe('names and URIs', () => {
    it('trims client_name and limits it', () => {
      expect(validateClientMetadata({ ...base, client_name: '  Claude  ' }, open).clientName).toBe('Claude');
      expect(rejection({ ...base, client_name: 'x'.repeat(256) }).description).toMatch(/longer than 255/);
      expect(rejection({ ...base, client_name: '   ' }).description).toMatch(/must not be empty/);
      expect(rejection({ ...base, client_name: 42 }).description).toMatch(/must be a string/);
    });

    it('refuses control and bidi-override characters in client_name', () => {
      expect(rejection({ ...base, client_name: 'Good\u0000App' }).description).toMatch(/control/);
      expect(rejection({ ...base, client_name: 'ppA\u202edooG' }).description).toMatch(/control/);
    });

    it('keeps client_uri and logo_uri to https', () => {
      expect(validateClientMetadata({ ...base, client_uri: 'https://app.example', logo_uri: 'https://app.example/l.png' }, open)).toMatchObject({
        clientUri: 'https://app.example',
        logoUri: 'https://app.example/l.png',
      });
      expect(rejection({ ...base, client_uri: 'javascript:alert(1)' }).description).toMatch(/client_uri must be an https URL/);
      expect(rejection({ ...base, logo_uri: 'http://cdn.example/l.png' }).description).toMatch(/logo_uri must be an https URL/);
      expect(rejection({ ...base, client_uri: 'not a url' }).description).toMatch(/absolute https URL/);
    });
  });

  describe('keys for private_key_jwt', () => {
    const pkjwt = { ...base, token_endpoint_auth_method: 'private_key_jwt' };

    it('needs jwks or jwks_uri, not both', () => {
      expect(rejection(pkjwt).description).toMatch(/needs jwks or jwks_uri/);
      expect(rejection({ ...pkjwt, jwks: { keys: [publicKey] }, jwks_uri: 'https://app.example/jwks' }).description).toMatch(/not both/);
      expect(validateClientMetadata({ ...pkjwt, jwks: { keys: [publicKey] } }, open).jwks).toEqual({ keys: [publicKey] });
      expect(validateClientMetadata({ ...pkjwt, jwks_uri: 'https://app.example/jwks' }, open).jwksUri).toBe('https://app.example/jwks');
    });

    it('accepts public keys only', () => {
      expect(rejection({ ...pkjwt, jwks: { keys: [{ ...publicKey, d: 'secret' }] } }).description).toMatch(/public keys only/);
      expect(rejection({ ...pkjwt, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }).description).toMatch(/public keys only/);
      expect(rejection({ ...pkjwt, jwks: { keys: [] } }).description).toMatch(/non-empty/);
      expect(rejection({ ...pkjwt, jwks: { keys: [{ crv: 'x' }] } }).description).toMatch(/kty/);
    });

    it('keeps jwks_uri to https unless http is allowed for development', () => {
      expect(rejection({ ...pkjwt, jwks_uri: 'http://127.0.0.1:9/jwks' }).description).toMatch(/jwks_uri must be an https URL/);
      expect(validateClientMetadata({ ...pkjwt, jwks_uri: 'http://127.0.0.1:9/jwks' }, { ...open, allowHttpUris: true }).jwksUri).toBe(
        'http://127.0.0.1:9/jwks',
      );
    });
  });

  it('refuses shared-secret methods in a metadata document', () => {
    expect(rejection({ ...base, token_endpoint_auth_method: 'client_secret_post' }, cimd).description).toMatch(/none or private_key_jwt/);
  });
});
