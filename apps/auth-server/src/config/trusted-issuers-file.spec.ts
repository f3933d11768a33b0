import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configProblems, parseConfig } from '@portcullis/config';
import { authConfigSchema } from './auth-config';

/** TRUSTED_ISSUERS_FILE is read and validated with the rest of the configuration: one line per problem. */
describe('TRUSTED_ISSUERS_FILE', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'trust-spec-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function file(content: unknown, name = 'trust.json'): string {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  }

  const idp = { name: 'acme', issuer: 'https://acme.okta.example', jwks_uri: 'https://acme.okta.example/keys', clients: ['mcp-client'] };
  const k8s = { name: 'k8s', issuer: 'https://kubernetes.default.svc', jwks_uri: 'https://k8s.example/openid/v1/jwks', rules: [{ sub: 'system:serviceaccount:a:b', client_id: 'agent' }] };

  it('is off when unset, and parsed with defaults when given', () => {
    expect(parseConfig(authConfigSchema, {}).trustedIssuersFile).toEqual({ enterprise_idps: [], workload_issuers: [] });
    const parsed = parseConfig(authConfigSchema, { TRUSTED_ISSUERS_FILE: file({ enterprise_idps: [idp], workload_issuers: [k8s] }) }).trustedIssuersFile;
    expect(parsed.enterprise_idps[0]).toMatchObject({ ...idp, max_lifetime_seconds: 300 });
    expect(parsed.workload_issuers[0]).toMatchObject({ name: 'k8s', max_lifetime_seconds: 3600 });
  });

  it('names a missing file and a file that is not JSON', () => {
    expect(configProblems(authConfigSchema, { TRUSTED_ISSUERS_FILE: join(dir, 'absent.json') })).toEqual([
      `config: TRUSTED_ISSUERS_FILE: ${join(dir, 'absent.json')}: cannot be read (ENOENT)`,
    ]);
    const bad = file('{ nope', 'bad.json');
    expect(configProblems(authConfigSchema, { TRUSTED_ISSUERS_FILE: bad })).toEqual([`config: TRUSTED_ISSUERS_FILE: ${bad}: not valid JSON`]);
  });

  it('gives one line per problem, each naming where it is', () => {
    const path = file({
      enterprise_idps: [{ ...idp, clients: [] }, { ...idp, name: 'Acme Corp' }],
      workload_issuers: [{ ...k8s, jwks_uri: 'ftp://x', rules: [{ sub: 'a', sub_pattern: 'b*', client_id: 'agent' }] }],
      extra: true,
    });
    const problems = configProblems(authConfigSchema, { TRUSTED_ISSUERS_FILE: path });
    expect(problems).toEqual(
      expect.arrayContaining([
        `config: TRUSTED_ISSUERS_FILE: ${path}: enterprise_idps.0.clients: must name at least one client`,
        expect.stringMatching(/enterprise_idps\.1\.name: must be 1-63 lower-case/),
        expect.stringMatching(/workload_issuers\.0\.jwks_uri: must be an http\(s\) URL/),
        expect.stringMatching(/workload_issuers\.0\.rules\.0: give exactly one of sub and sub_pattern/),
        expect.stringMatching(/Unrecognized key.*extra/),
      ]),
    );
    expect(problems.every((line) => line.startsWith('config: TRUSTED_ISSUERS_FILE: '))).toBe(true);
  });

  it('refuses a name or an issuer declared twice', () => {
    const path = file({ enterprise_idps: [idp], workload_issuers: [{ ...k8s, name: 'acme', issuer: idp.issuer }] });
    expect(configProblems(authConfigSchema, { TRUSTED_ISSUERS_FILE: path })).toEqual([
      `config: TRUSTED_ISSUERS_FILE: ${path}: (file): name 'acme' is used twice`,
      `config: TRUSTED_ISSUERS_FILE: ${path}: (file): issuer '${idp.issuer}' is declared twice`,
    ]);
  });

  it('refuses a plain-http jwks_uri unless TRUSTED_ISSUERS_ALLOW_HTTP, and that switch in production', () => {
    const path = file({ enterprise_idps: [{ ...idp, jwks_uri: 'http://127.0.0.1:8080/jwks' }] });
    expect(configProblems(authConfigSchema, { TRUSTED_ISSUERS_FILE: path })).toEqual([
      'config: TRUSTED_ISSUERS_FILE: jwks_uri http://127.0.0.1:8080/jwks must be https (TRUSTED_ISSUERS_ALLOW_HTTP=true allows http outside production)',
    ]);
    expect(configProblems(authConfigSchema, { TRUSTED_ISSUERS_FILE: path, TRUSTED_ISSUERS_ALLOW_HTTP: 'true' })).toEqual([]);
    expect(configProblems(authConfigSchema, { TRUSTED_ISSUERS_FILE: path, TRUSTED_ISSUERS_ALLOW_HTTP: 'true', NODE_ENV: 'production' })).toEqual([
      'config: TRUSTED_ISSUERS_ALLOW_HTTP: must not be set when NODE_ENV=production',
    ]);
  });
});
