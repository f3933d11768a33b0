import { ConfigError, developmentSwitches, parseConfig } from '@portcullis/config';
import { authConfigSchema, authEnvironment } from './auth-config';

describe('auth-server configuration', () => {
  it('has working defaults', () => {
    const config = parseConfig(authConfigSchema, {});
    expect(config.issuerUrl).toBe('http://localhost:9000');
    expect(config.accessTokenTtl).toBe(600);
    expect(config.bootstrapUsers).toEqual([]);
  });

  it('parses BOOTSTRAP_USERS and keeps colons in passwords', () => {
    expect(parseConfig(authConfigSchema, { BOOTSTRAP_USERS: 'alice:pw1, bob:a:b' }).bootstrapUsers).toEqual([
      { username: 'alice', password: 'pw1', roles: [] },
      { username: 'bob', password: 'a:b', roles: [] },
    ]);
  });

  it('reads a trailing :admin in BOOTSTRAP_USERS as the role, whatever the password holds', () => {
    expect(parseConfig(authConfigSchema, { BOOTSTRAP_USERS: 'root:pw:admin,carol:x:y:admin,dan:admin' }).bootstrapUsers).toEqual([
      { username: 'root', password: 'pw', roles: ['admin'] },
      { username: 'carol', password: 'x:y', roles: ['admin'] },
      // No role suffix here: "admin" is the whole password.
      { username: 'dan', password: 'admin', roles: [] },
    ]);
  });

  it.each([
    ['ISSUER_URL', 'https://auth.example.com/tenant'],
    ['ISSUER_URL', 'ftp://auth.example.com'],
    ['BOOTSTRAP_USERS', 'alice'],
    ['BOOTSTRAP_USERS', 'alice::admin'],
    ['REGISTRATION_INITIAL_ACCESS_TOKEN', 'short'],
    ['DATABASE_URL', 'mysql://x'],
    ['BROKER_URL', 'http://x'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['TRUST_PROXY', 'true'],
  ])('refuses %s=%s with one line naming it', (name, value) => {
    try {
      parseConfig(authConfigSchema, { [name]: value });
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toHaveLength(1);
      expect((err as ConfigError).problems[0]).toMatch(new RegExp(`^config: ${name}: `));
    }
  });

  it('gives the settings in camelCase, named after their variables', () => {
    const config = parseConfig(authConfigSchema, { AUTHORIZATION_CODE_TTL: '30', CIMD_ALLOWED_PRIVATE_HOSTS: 'cimd.internal', TRUST_PROXY: '1' });
    expect(config).toMatchObject({ authorizationCodeTtl: 30, cimdAllowedPrivateHosts: ['cimd.internal'], trustProxy: 1, port: 9000 });
    expect(Object.keys(config).filter((key) => /[A-Z]{2}|_/.test(key))).toEqual([]);
  });

  it('refuses CIMD_ALLOW_HTTP=true when NODE_ENV=production with one line naming it', () => {
    expect(() => parseConfig(authConfigSchema, { NODE_ENV: 'production', CIMD_ALLOW_HTTP: 'true' })).toThrow(
      new ConfigError(['config: CIMD_ALLOW_HTTP: must not be set when NODE_ENV=production']),
    );
    expect(parseConfig(authConfigSchema, { NODE_ENV: 'production' }).cimdAllowHttp).toBe(false);
    expect(parseConfig(authConfigSchema, { CIMD_ALLOW_HTTP: 'true' }).cimdAllowHttp).toBe(true);
  });

  it('declares TRUSTED_ISSUERS_ALLOW_HTTP, CIMD_ALLOW_HTTP and OIDC_ALLOW_HTTP as its only development switches, so production refuses them', () => {
    expect(developmentSwitches(authEnvironment)).toEqual(['TRUSTED_ISSUERS_ALLOW_HTTP', 'CIMD_ALLOW_HTTP', 'OIDC_ALLOW_HTTP']);
  });
});
