import { configProblems, configSchema, parseConfig } from '@portcullis/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayFileSetting } from './gateway-file';

const schema = configSchema({ GATEWAY_CONFIG_FILE: gatewayFileSetting });
const dir = mkdtempSync(join(tmpdir(), 'gateway-file-'));

function file(content: unknown): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('the gateway file setting', () => {
  it('resolves each upstream to its path, resource identifier and metadata URL', () => {
    const path = file({ publicUrl: 'http://GW.example:3300/', upstreams: [{ name: 'everything', url: 'http://127.0.0.1:3001/mcp/' }] });
    const { gatewayConfigFile } = parseConfig(schema, { GATEWAY_CONFIG_FILE: path });
    expect(gatewayConfigFile?.publicUrl).toBe('http://gw.example:3300');
    expect(gatewayConfigFile?.upstreams[0]).toMatchObject({
      name: 'everything',
      url: 'http://127.0.0.1:3001/mcp',
      path: '/everything/mcp',
      resource: 'http://gw.example:3300/everything/mcp',
      resourceMetadataUrl: 'http://gw.example:3300/.well-known/oauth-protected-resource/everything/mcp',
      auth: { type: 'none' },
      uncoveredTools: 'deny',
      stepUpTools: 'show',
    });
  });

  it('is optional', () => {
    expect(parseConfig(schema, {}).gatewayConfigFile).toBeUndefined();
  });

  it('reports each problem of the file on its own line, under the setting', () => {
    const path = file({
      upstreams: [
        { name: 'Bad Name', url: 'ftp://x' },
        { name: 'ok', url: 'http://a/mcp', connectScopes: ['nope'], auth: { type: 'header', header: 'x-key' }, scopes: [{ name: 'a b', description: 'x' }] },
      ],
    });
    const lines = configProblems(schema, { GATEWAY_CONFIG_FILE: path });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config: GATEWAY_CONFIG_FILE: upstreams\.0\.name: must be 1-63/),
        expect.stringMatching(/^config: GATEWAY_CONFIG_FILE: upstreams\.0\.url: must be an absolute http\(s\) URL/),
        expect.stringMatching(/upstreams\.1\.auth: give exactly one of valueFromEnv and valueFromFile/),
        expect.stringMatching(/upstreams\.1\.scopes\.0\.name: must be a scope token/),
      ]),
    );
    expect(lines.every((l) => !l.includes('\n'))).toBe(true);
  });

  it('refuses undeclared scopes, duplicate upstreams and scopes shared between upstreams', () => {
    const scopes = [{ name: 's:one', description: 'one' }];
    const path = file({
      upstreams: [
        { name: 'a', url: 'http://a/mcp', scopes, tools: [{ tool: 'x', scopes: ['s:two'] }] },
        { name: 'a', url: 'http://b/mcp', scopes },
      ],
    });
    expect(configProblems(schema, { GATEWAY_CONFIG_FILE: path })).toEqual([
      "config: GATEWAY_CONFIG_FILE: upstreams.0.tools.0.scopes.0: scope 's:two' is not declared in this upstream's scopes",
      "config: GATEWAY_CONFIG_FILE: upstreams.1.name: upstream 'a' is declared twice",
      "config: GATEWAY_CONFIG_FILE: upstreams.1.scopes.0.name: scope 's:one' is declared by another upstream too",
    ]);
  });

  it('accepts client_credentials against an upstream authorization server, and says what is missing in one line each', () => {
    const good = file({
      upstreams: [
        {
          name: 'files',
          url: 'http://files/mcp',
          auth: { type: 'client_credentials', issuer: 'https://as.files.example', clientId: 'gateway', clientSecretFromEnv: 'FILES_SECRET', scope: ['files:read'] },
        },
      ],
    });
    expect(parseConfig(schema, { GATEWAY_CONFIG_FILE: good }).gatewayConfigFile?.upstreams[0]).toMatchObject({
      auth: { type: 'client_credentials', clientId: 'gateway', tokenEndpointAuthMethod: 'client_secret_basic' },
      idleTimeoutMs: 60_000,
    });
    const bad = file({
      upstreams: [
        { name: 'a', url: 'http://a/mcp', auth: { type: 'client_credentials', clientId: 'gateway', clientSecretFromEnv: 'A_SECRET' } },
        { name: 'b', url: 'http://b/mcp', auth: { type: 'client_credentials', tokenEndpoint: 'http://as/token', clientId: 'gateway' } },
        { name: 'c', url: 'http://c/mcp', auth: { type: 'client_credentials', tokenEndpoint: 'ftp://as/token', clientId: '', clientSecretFromEnv: 'lower' } },
      ],
    });
    const lines = configProblems(schema, { GATEWAY_CONFIG_FILE: bad });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/upstreams\.0\.auth: give exactly one of tokenEndpoint and issuer/),
        expect.stringMatching(/upstreams\.1\.auth: give exactly one of clientSecretFromEnv and clientSecretFromFile/),
        expect.stringMatching(/upstreams\.2\.auth\.tokenEndpoint: must be an absolute http\(s\) URL/),
        expect.stringMatching(/upstreams\.2\.auth\.clientId: /),
        expect.stringMatching(/upstreams\.2\.auth\.clientSecretFromEnv: must be an environment variable name/),
      ]),
    );
  });

  it('reads the limits of an upstream and refuses malformed ones line by line', () => {
    const limits = { perSubject: { requests: 60, perSeconds: 60 }, perClient: { requests: 600, perSeconds: 60 }, maxConcurrent: 8 };
    const ok = parseConfig(schema, { GATEWAY_CONFIG_FILE: file({ upstreams: [{ name: 'a', url: 'http://a/mcp', limits }, { name: 'b', url: 'http://b/mcp' }] }) });
    expect(ok.gatewayConfigFile?.upstreams.map((u) => u.limits)).toEqual([limits, {}]);
    const path = file({ upstreams: [{ name: 'a', url: 'http://a/mcp', limits: { perSubject: { requests: 0, perSeconds: 60 }, perClient: { requests: 5 }, maxConcurrent: 1.5, burst: 3 } }] });
    expect(configProblems(schema, { GATEWAY_CONFIG_FILE: path })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^config: GATEWAY_CONFIG_FILE: upstreams\.0\.limits\.perSubject\.requests: /),
        expect.stringMatching(/^config: GATEWAY_CONFIG_FILE: upstreams\.0\.limits\.perClient\.perSeconds: /),
        expect.stringMatching(/^config: GATEWAY_CONFIG_FILE: upstreams\.0\.limits\.maxConcurrent: /),
        expect.stringMatching(/^config: GATEWAY_CONFIG_FILE: upstreams\.0\.limits: .*burst/),
      ]),
    );
  });

  it('names a missing or malformed file in one line', () => {
    expect(configProblems(schema, { GATEWAY_CONFIG_FILE: join(dir, 'missing.json') })).toEqual([
      `config: GATEWAY_CONFIG_FILE: cannot read ${join(dir, 'missing.json')}: ENOENT`,
    ]);
    expect(configProblems(schema, { GATEWAY_CONFIG_FILE: file('{') })[0]).toMatch(/is not JSON/);
  });
});
