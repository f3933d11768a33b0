import { ConfigError, developmentSwitches, parseConfig } from '@portcullis/config';
import { mcpServerConfigSchema, mcpServerEnvironment } from './mcp-server.config';

describe('mcp-server configuration', () => {
  it('has the public-contract defaults', () => {
    const config = parseConfig(mcpServerConfigSchema, {});
    expect(config).toMatchObject({
      port: 3000,
      resource: 'http://localhost:3000/mcp',
      origin: 'http://localhost:3000',
      issuer: 'http://localhost:9000',
      resourceMetadataUrl: 'http://localhost:3000/.well-known/oauth-protected-resource/mcp',
      allowedHosts: ['localhost:3000', '127.0.0.1:3000', '[::1]:3000'],
    });
  });

  it('derives allowed hosts from RESOURCE_URL and PORT unless given', () => {
    expect(parseConfig(mcpServerConfigSchema, { RESOURCE_URL: 'https://mcp.example.com/mcp', PORT: '8080' }).allowedHosts).toEqual([
      'mcp.example.com',
      'localhost:8080',
      '127.0.0.1:8080',
      '[::1]:8080',
    ]);
    expect(parseConfig(mcpServerConfigSchema, { ALLOWED_HOSTS: 'A.example, b.example:81' }).allowedHosts).toEqual(['a.example', 'b.example:81']);
  });

  it('has no setting that turns authentication or auditing off (the bench builds its own app)', () => {
    const config = parseConfig(mcpServerConfigSchema, { AUTH_DISABLED_FOR_BENCH: 'true', AUDIT_DISABLED_FOR_BENCH: 'true' });
    expect(Object.keys(config).filter((key) => /disabled|bench/i.test(key))).toEqual([]);
  });

  it('has no development-only switch: production accepts every setting it accepts elsewhere', () => {
    expect(developmentSwitches(mcpServerEnvironment)).toEqual([]);
    expect(parseConfig(mcpServerConfigSchema, { NODE_ENV: 'production' }).nodeEnv).toBe('production');
  });

  it('gives every setting in camelCase', () => {
    const config = parseConfig(mcpServerConfigSchema, { TOKEN_CACHE_SIZE: '5', SHUTDOWN_DELAY_MS: '30000' });
    expect(config).toMatchObject({ tokenCacheSize: 5, shutdownDelayMs: 30_000, shutdownDrainTimeoutMs: 30_000, revocationsUrl: 'http://localhost:9000/revocations' });
    expect(Object.keys(config).filter((key) => /[A-Z]{2}|_/.test(key))).toEqual([]);
  });

  it('reads TRUST_PROXY with the shared schema: false by default, hops or addresses, never true', () => {
    expect(mcpServerConfigSchema.parse({}).trustProxy).toBe(false);
    expect(mcpServerConfigSchema.parse({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(mcpServerConfigSchema.parse({ TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toEqual(['10.0.0.0/8']);
    expect(mcpServerConfigSchema.safeParse({ TRUST_PROXY: 'true' }).success).toBe(false);
  });

  it('sizes the verified-token cache by memory (TOKEN_CACHE_MB), TOKEN_CACHE_SIZE an optional cap', () => {
    const defaults = parseConfig(mcpServerConfigSchema, {});
    expect(defaults.tokenCacheBytes).toBe(32 * 1024 * 1024);
    expect(defaults.tokenCacheSize).toBeUndefined();
    expect(parseConfig(mcpServerConfigSchema, { TOKEN_CACHE_MB: '0.5', TOKEN_CACHE_SIZE: '100' })).toMatchObject({ tokenCacheBytes: 512 * 1024, tokenCacheSize: 100 });
    expect(() => parseConfig(mcpServerConfigSchema, { TOKEN_CACHE_MB: '-1' })).toThrow(ConfigError);
  });

  it('rejects a malformed URL', () => {
    expect(() => parseConfig(mcpServerConfigSchema, { RESOURCE_URL: 'mcp' })).toThrow(ConfigError);
  });

  it('serves MCP at the path of RESOURCE_URL, whatever it is', () => {
    const config = parseConfig(mcpServerConfigSchema, { RESOURCE_URL: 'https://api.example.com/tools/v1/mcp/' });
    expect(config).toMatchObject({
      resource: 'https://api.example.com/tools/v1/mcp',
      mcpPath: '/tools/v1/mcp',
      resourceMetadataUrl: 'https://api.example.com/.well-known/oauth-protected-resource/tools/v1/mcp',
    });
  });

  it.each([
    ['http://localhost:3000', /must have a path/],
    ['http://localhost:3000/', /must have a path/],
    ['http://localhost:3000/health/mcp', /must not be under \/health/],
    ['http://localhost:3000/.well-known/mcp', /must not be under/],
    ['http://localhost:3000/mcp/:id', /letters, digits/],
    ['http://localhost:3000/mcp?tenant=a', /query string/],
  ])('refuses RESOURCE_URL %s with one clear line', (url, message) => {
    expect(() => parseConfig(mcpServerConfigSchema, { RESOURCE_URL: url })).toThrow(message);
  });
});
