import { configProblems, parseConfig } from '@portcullis/config';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayConfigSchema } from './gateway.config';

const dir = mkdtempSync(join(tmpdir(), 'gateway-config-'));

function file(upstreams: unknown[], name = 'gateway.json'): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ publicUrl: 'https://gw.example.com', upstreams }));
  return path;
}

describe('gateway configuration', () => {
  it('needs the gateway file, and says so in one line', () => {
    expect(configProblems(gatewayConfigSchema, {})).toEqual(['config: GATEWAY_CONFIG_FILE: is required: the file that declares the upstreams']);
  });

  it('derives the allowed hosts from the public URL and the port', () => {
    const config = parseConfig(gatewayConfigSchema, { GATEWAY_CONFIG_FILE: file([{ name: 'a', url: 'http://127.0.0.1:1/mcp' }]) });
    expect(config.port).toBe(3300);
    expect(config.publicUrl).toBe('https://gw.example.com');
    expect(config.allowedHosts).toEqual(['gw.example.com', 'localhost:3300', '127.0.0.1:3300', '[::1]:3300']);
    expect(config.upstreams[0].resource).toBe('https://gw.example.com/a/mcp');
  });

  it('reads each upstream credential at start, from the environment or a file, and names the one missing', () => {
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, 'from-a-file\n');
    const path = file(
      [
        { name: 'env', url: 'http://a/mcp', auth: { type: 'header', header: 'X-Key', valueFromEnv: 'GW_SPEC_KEY' } },
        { name: 'file', url: 'http://b/mcp', auth: { type: 'header', header: 'X-Key', valueFromFile: secretFile } },
        { name: 'missing', url: 'http://c/mcp', auth: { type: 'header', header: 'X-Key', valueFromEnv: 'GW_SPEC_UNSET' } },
        { name: 'cc', url: 'http://d/mcp', auth: { type: 'client_credentials', tokenEndpoint: 'http://as/token', clientId: 'gw', clientSecretFromFile: secretFile } },
      ],
      'secrets.json',
    );
    process.env['GW_SPEC_KEY'] = 'from-env';
    delete process.env['GW_SPEC_UNSET'];
    expect(configProblems(gatewayConfigSchema, { GATEWAY_CONFIG_FILE: path })).toEqual([
      'config: GATEWAY_CONFIG_FILE: upstreams.2.auth: environment variable GW_SPEC_UNSET is not set',
    ]);
    process.env['GW_SPEC_UNSET'] = 'now-set';
    const config = parseConfig(gatewayConfigSchema, { GATEWAY_CONFIG_FILE: path });
    expect([...config.upstreamSecrets]).toEqual([
      ['env', 'from-env'],
      ['file', 'from-a-file'],
      ['missing', 'now-set'],
      ['cc', 'from-a-file'],
    ]);
  });

  it('refuses an unreadable identity key file, or one without an Ed25519 private key, in one line', () => {
    const path = file([{ name: 'a', url: 'http://a/mcp' }], 'key.json');
    expect(configProblems(gatewayConfigSchema, { GATEWAY_CONFIG_FILE: path, IDENTITY_KEY_FILE: join(dir, 'nope.pem') })).toEqual([
      `config: IDENTITY_KEY_FILE: cannot read ${join(dir, 'nope.pem')}: ENOENT`,
    ]);
    const ec = join(dir, 'ec.pem');
    writeFileSync(ec, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(configProblems(gatewayConfigSchema, { GATEWAY_CONFIG_FILE: path, IDENTITY_KEY_FILE: ec })).toEqual([
      `config: IDENTITY_KEY_FILE: ${ec} must hold an Ed25519 private key in PKCS#8 PEM`,
    ]);
    const ed = join(dir, 'ed.pem');
    writeFileSync(ed, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(parseConfig(gatewayConfigSchema, { GATEWAY_CONFIG_FILE: path, IDENTITY_KEY_FILE: ed }).identityKeyPem).toContain('BEGIN PRIVATE KEY');
  });
});
