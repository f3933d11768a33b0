import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '@portcullis/config';
import { authConfigSchema } from './auth-config';
import { parseOidcConnections } from './oidc-connections';

const okta = { id: 'okta', display_name: 'Okta', issuer: 'https://acme.okta.com', client_id: '0oa1', client_secret: { env: 'OKTA_SECRET' } };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(authConfigSchema, env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

function file(entries: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'oidc-conn-')), 'connections.json');
  writeFileSync(path, JSON.stringify(entries));
  return path;
}

describe('OIDC_CONNECTIONS_FILE', () => {
  it('reads a connection with its defaults and its secret from the named environment variable', () => {
    const { connections, problems } = parseOidcConnections(JSON.stringify([okta]), { OKTA_SECRET: 's3cret' });
    expect(problems).toEqual([]);
    expect(connections).toEqual([
      {
        id: 'okta',
        displayName: 'Okta',
        issuer: 'https://acme.okta.com',
        clientId: '0oa1',
        clientSecret: 's3cret',
        tokenEndpointAuthMethod: 'client_secret_basic',
        scopes: 'openid email profile',
        claims: { name: 'name', email: 'email' },
        allowedEmailDomains: undefined,
      },
    ]);
  });

  it('reads a secret from a file, and makes a connection without a secret a public client', () => {
    const secretFile = join(mkdtempSync(join(tmpdir(), 'oidc-secret-')), 'secret');
    writeFileSync(secretFile, 'from-a-file\n');
    const { connections } = parseOidcConnections(
      JSON.stringify([
        { ...okta, client_secret: { file: secretFile }, token_endpoint_auth_method: 'client_secret_post' },
        { ...okta, id: 'kc', client_secret: undefined },
      ]),
      {},
    );
    expect(connections.map((c) => [c.clientSecret, c.tokenEndpointAuthMethod])).toEqual([
      ['from-a-file', 'client_secret_post'],
      [undefined, 'none'],
    ]);
  });

  it('names every problem, one line each: bad slug, inline secret, missing openid, duplicate id, unset secret', () => {
    const { problems } = parseOidcConnections(
      JSON.stringify([
        { ...okta, id: 'Not A Slug' },
        { ...okta, client_secret: 'inline' },
        { ...okta, scopes: 'email' },
      ]),
      {},
    );
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^entry 0\.id: must be a slug/);
    expect(problems[1]).toMatch(/^entry 1\.client_secret: /);
    expect(problems[2]).toMatch(/^entry 2\.scopes: must include openid/);
    const second = parseOidcConnections(JSON.stringify([okta, okta]), {});
    expect(second.problems).toEqual([
      "entry 0 ('okta') client_secret: environment variable OKTA_SECRET is not set",
      "entry 1: id 'okta' appears twice",
      "entry 1 ('okta') client_secret: environment variable OKTA_SECRET is not set",
    ]);
    expect(parseOidcConnections('{', {}).problems).toEqual(['not valid JSON']);
  });

  it('stops the start with one line per problem, under the variable name', () => {
    expect(problemsOf({ OIDC_CONNECTIONS_FILE: '/nonexistent/connections.json' })).toEqual(['config: OIDC_CONNECTIONS_FILE: cannot read /nonexistent/connections.json']);
    const path = file([{ ...okta, id: 'BAD' }]);
    expect(problemsOf({ OIDC_CONNECTIONS_FILE: path })).toEqual([expect.stringMatching(/^config: OIDC_CONNECTIONS_FILE: .*entry 0\.id: must be a slug/)]);
  });

  it('refuses an http issuer unless OIDC_ALLOW_HTTP, which production refuses', () => {
    process.env.OKTA_SECRET = 'x';
    try {
      const path = file([{ ...okta, issuer: 'http://127.0.0.1:4000' }]);
      expect(problemsOf({ OIDC_CONNECTIONS_FILE: path })).toEqual([expect.stringMatching(/^config: OIDC_CONNECTIONS_FILE: connection 'okta': issuer must be https/)]);
      expect(parseConfig(authConfigSchema, { OIDC_CONNECTIONS_FILE: path, OIDC_ALLOW_HTTP: 'true' }).oidcConnections).toHaveLength(1);
      expect(problemsOf({ OIDC_CONNECTIONS_FILE: path, OIDC_ALLOW_HTTP: 'true', NODE_ENV: 'production' })).toContain('config: OIDC_ALLOW_HTTP: must not be set when NODE_ENV=production');
    } finally {
      delete process.env.OKTA_SECRET;
    }
  });

  it('PASSWORD_LOGIN=false needs a connection', () => {
    expect(problemsOf({ PASSWORD_LOGIN: 'false' })).toEqual([expect.stringMatching(/^config: PASSWORD_LOGIN: false needs at least one connection/)]);
    expect(parseConfig(authConfigSchema, {}).passwordLogin).toBe(true);
  });
});
