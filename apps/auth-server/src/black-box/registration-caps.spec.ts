import { AuthServer, oauthError, registrationResponse, startAuthServer } from '@portcullis/testing';

const base = {
  client_name: 'Caps check',
  redirect_uris: ['http://127.0.0.1/callback'],
  token_endpoint_auth_method: 'none',
  application_type: 'native',
};
const long = (n: number) => 'a'.repeat(n);

/**
 * Every client metadata value the server stores has a length cap (RFC 7591 §2); a value
 * beyond it is refused with the precise error (§3.2.2), never stored and never a 500.
 * Metadata the server does not store (contacts, tos_uri, policy_uri, software_*) is ignored
 * (§2: "MUST ignore any client metadata ... it does not understand") and never echoed back.
 */
describe('auth-server black box on sqlite: registration parameter caps', () => {
  let server: AuthServer;

  beforeAll(async () => {
    server = await startAuthServer('sqlite');
  }, 60_000);
  afterAll(async () => server?.stop());

  it.each([
    ['client_name over 255 characters', { client_name: long(256) }, 'invalid_client_metadata'],
    ['a redirect URI over 2048 characters', { redirect_uris: [`http://127.0.0.1/${long(2048)}`] }, 'invalid_redirect_uri'],
    ['more than 20 redirect URIs', { redirect_uris: Array.from({ length: 21 }, (_, i) => `http://127.0.0.1/cb${i}`) }, 'invalid_redirect_uri'],
    ['client_uri over 2048 characters', { client_uri: `https://app.example/${long(2048)}` }, 'invalid_client_metadata'],
    ['logo_uri over 2048 characters', { logo_uri: `https://app.example/${long(2048)}` }, 'invalid_client_metadata'],
    ['scope over 1024 characters', { scope: `sentiment:read ${long(1024)}` }, 'invalid_client_metadata'],
    ['jwks_uri over 2048 characters', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `https://app.example/${long(2048)}` }, 'invalid_client_metadata'],
    ['a jwks of more than 10 keys', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: Array.from({ length: 11 }, () => ({ kty: 'OKP', crv: 'Ed25519', x: long(43) })) } }, 'invalid_client_metadata'],
    ['a jwks over 16 KiB', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'RSA', e: 'AQAB', n: long(17_000) }] } }, 'invalid_client_metadata'],
    ['an unknown grant type of 2000 characters', { grant_types: [long(2000)] }, 'invalid_client_metadata'],
    ['an unknown response type of 2000 characters', { response_types: [long(2000)] }, 'invalid_client_metadata'],
    ['an application_type of 2000 characters', { application_type: long(2000) }, 'invalid_client_metadata'],
    ['a token_endpoint_auth_method of 2000 characters', { token_endpoint_auth_method: long(2000) }, 'invalid_client_metadata'],
  ])('refuses %s', async (_name, extra, error) => {
    const res = await registrationResponse(server, { ...base, ...extra });
    expect(await oauthError(res)).toMatchObject({ status: 400, error });
  });

  it('ignores, and never stores or echoes, metadata it does not use, however long', async () => {
    const unused = { contacts: [long(5000)], tos_uri: `https://app.example/${long(5000)}`, policy_uri: `https://app.example/${long(5000)}`, software_id: long(5000) };
    const res = await registrationResponse(server, { ...base, ...unused });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    for (const field of Object.keys(unused)) expect(body).not.toHaveProperty(field);
  });
});
