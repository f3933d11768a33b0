import { camelCase, camelCaseKeys, type CamelCase } from './camel-case-keys';

describe('camelCase', () => {
  it.each([
    ['PORT', 'port'],
    ['ISSUER_URL', 'issuerUrl'],
    ['ACCESS_TOKEN_TTL', 'accessTokenTtl'],
    ['CIMD_ALLOW_HTTP', 'cimdAllowHttp'],
    ['AUDIT_BATCH_WINDOW_MS', 'auditBatchWindowMs'],
    ['OAUTH2_CLIENT', 'oauth2Client'],
    ['X_2FA', 'x2fa'],
  ])('%s → %s', (name, expected) => {
    expect(camelCase(name)).toBe(expected);
  });

  it('names the same key at the type level as at run time', () => {
    const typed: CamelCase<'REFRESH_GRACE_SECONDS'> = 'refreshGraceSeconds';
    expect(camelCase('REFRESH_GRACE_SECONDS')).toBe(typed);
  });
});

describe('camelCaseKeys', () => {
  it('renames every key and keeps every value, undefined ones too', () => {
    const list = ['a'];
    const config = camelCaseKeys({ PORT: 9000, DATABASE_URL: undefined, CIMD_ALLOWED_PRIVATE_HOSTS: list });
    expect(config).toEqual({ port: 9000, databaseUrl: undefined, cimdAllowedPrivateHosts: list });
    expect(Object.keys(config)).toEqual(['port', 'databaseUrl', 'cimdAllowedPrivateHosts']);
    expect(config.cimdAllowedPrivateHosts).toBe(list);
  });
});
