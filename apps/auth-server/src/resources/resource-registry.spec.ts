import { parseConfig } from '@portcullis/config';
import { findScope } from '@portcullis/scopes';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authConfigSchema } from '../config/auth-config';
import { ResourceRegistry } from './resource-registry';

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
    expect(registry.all().map((r) => r.kind)).toEqual(['mcp', 'audit']);
    expect(() => registry.resolve('http://localhost:3300/everything/mcp')).toThrow('unknown resource');
  });

  it('accepts each gateway upstream as a resource, in any canonical spelling, with its declared scopes described', () => {
    const registry = new ResourceRegistry(parseConfig(authConfigSchema, { GATEWAY_CONFIG_FILE: gatewayFile() }));
    expect(registry.resolve('http://LOCALHOST:3300/everything/mcp/')).toEqual({
      identifier: 'http://localhost:3300/everything/mcp',
      kind: 'gateway',
      scopes: ['everything:use'],
    });
    expect(findScope('everything:use')?.description).toBe('Use the everything server');
    // The default resource stays the MCP server.
    expect(registry.resolve(undefined).kind).toBe('mcp');
  });
});
