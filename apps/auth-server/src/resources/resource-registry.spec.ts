import { parseConfig } from '@portcullis/config';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authConfigSchema } from '../config/auth-config';
import { ResourceRegistry } from './resource-registry';
import { ScopeDirectory } from './scope-directory';
import { authorizationServerMetadata } from '../metadata/authorization-server-metadata';

function gatewayFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'registry-')), 'gateway.json');
  writeFileSync(
    path,
    JSON.stringify({
      publicUrl: 'http://localhost:3300',
      upstreams: [{ name: 'everything', url: 'http://127.0.0.1:3001/mcp', scopes: [{ name: 'everything:use', description: 'Use the everything server' }] }],
    }),
  );
  return path;
}

describe('resource registry', () => {
  it('knows only the built-in resources without a gateway file', () => {
    const registry = new ResourceRegistry(parseConfig(authConfigSchema, {}));
    expect(registry.all().map((r) => r.kind)).toEqual(['mcp', 'audit', 'admin']);
    expect(() => registry.resolve('http://localhost:3300/everything/mcp')).toThrow('unknown resource');
  });

  it('knows the admin API at the issuer, with both admin scopes privileged', () => {
    const registry = new ResourceRegistry(parseConfig(authConfigSchema, { ISSUER_URL: 'https://auth.example.com' }));
    expect(registry.resolve('https://auth.example.com/admin')).toEqual({
      identifier: 'https://auth.example.com/admin',
      kind: 'admin',
      scopes: ['admin:read', 'admin:write'],
      privilegedScopes: ['admin:read', 'admin:write'],
    });
    expect(registry.admin.identifier).toBe('https://auth.example.com/admin');
  });

  it('accepts each gateway upstream as a resource, in any canonical spelling, with its declared scopes described', () => {
    const config = parseConfig(authConfigSchema, { GATEWAY_CONFIG_FILE: gatewayFile() });
    const registry = new ResourceRegistry(config);
    expect(registry.resolve('http://LOCALHOST:3300/everything/mcp/')).toEqual({
      identifier: 'http://localhost:3300/everything/mcp',
      kind: 'gateway',
      scopes: ['everything:use'],
      privilegedScopes: [],
    });
    expect(new ScopeDirectory(config).find('everything:use')?.description).toBe('Use the everything server');
    // The default resource stays the MCP server.
    expect(registry.resolve(undefined).kind).toBe('mcp');
  });

  it('keeps declared scopes in the directory of one configuration, not in the shared catalogue', () => {
    const withFile = new ScopeDirectory(parseConfig(authConfigSchema, { GATEWAY_CONFIG_FILE: gatewayFile() }));
    const without = new ScopeDirectory(parseConfig(authConfigSchema, {}));
    expect(withFile.find('everything:use')?.privileged).toBe(false);
    expect(without.find('everything:use')).toBeUndefined();
    expect(without.find('audit:read')?.privileged).toBe(true);
  });

  it('lists the upstreams\' scopes in the metadata scopes_supported (RFC 8414 §2)', () => {
    const directory = new ScopeDirectory(parseConfig(authConfigSchema, { GATEWAY_CONFIG_FILE: gatewayFile() }));
    const document = authorizationServerMetadata('http://localhost:9000', true, undefined, directory.names());
    expect(document.scopes_supported).toEqual(expect.arrayContaining(['everything:use', 'sentiment:read', 'offline_access']));
    const plain = new ScopeDirectory(parseConfig(authConfigSchema, {}));
    expect(authorizationServerMetadata('http://localhost:9000', true, undefined, plain.names()).scopes_supported).not.toContain('everything:use');
  });
});
