import fc from 'fast-check';
import { OAuthError } from '@portcullis/oauth';
import { MetadataPolicy, validateClientMetadata } from './client-metadata.validator';

/** Every field the schema reads, and values of every JSON shape for them. */
const FIELDS = [
  'redirect_uris',
  'token_endpoint_auth_method',
  'grant_types',
  'response_types',
  'application_type',
  'client_name',
  'client_uri',
  'logo_uri',
  'scope',
  'jwks',
  'jwks_uri',
  'resource_server',
] as const;

/** How each refusal names what it is about: the field, or the thing the field lists. */
const NAMES_A_FIELD = /redirect_uris|redirect URI|token_endpoint_auth_method|grant type|grant_types|response type|response_types|application_type|client_name|client_uri|logo_uri|scope|jwks|resource_server|client metadata/;

const plausible = fc.constantFrom(
  'https://app.example/cb',
  'http://127.0.0.1/cb',
  'com.example.app:/cb',
  'javascript:alert(1)',
  'authorization_code',
  'client_credentials',
  'refresh_token',
  'code',
  'none',
  'private_key_jwt',
  'native',
  'sentiment:read',
  'audit:read',
  'https://mcp.example/mcp',
  '',
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    plausible,
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('keys', 'kty', 'd', 'x'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const policies: MetadataPolicy[] = [
  { source: 'registration', trusted: false },
  { source: 'registration', trusted: true },
  { source: 'metadata_document', trusted: false },
  { source: 'preregistered', trusted: true, resources: ['https://mcp.example/mcp'] },
];

describe('validateClientMetadata under any input (fast-check)', () => {
  it('returns metadata or refuses with invalid_client_metadata / invalid_redirect_uri naming a field, never anything else', () => {
    fc.assert(
      fc.property(fc.oneof(fc.dictionary(fc.constantFrom(...FIELDS), json), json), fc.constantFrom(...policies), (input, policy) => {
        try {
          validateClientMetadata(input, policy);
        } catch (err) {
          expect(err).toBeInstanceOf(OAuthError);
          const { error, description, status } = err as OAuthError;
          expect(status).toBe(400);
          expect(['invalid_client_metadata', 'invalid_redirect_uri']).toContain(error);
          expect(description).toMatch(NAMES_A_FIELD);
          // RFC 7591 §3.2.2: every redirect URI problem, and only those, is invalid_redirect_uri.
          expect(error === 'invalid_redirect_uri').toBe(/redirect_uris|redirect URI/.test(description) && !/grant type|response type/.test(description));
        }
      }),
      { numRuns: 500 },
    );
  });
});
