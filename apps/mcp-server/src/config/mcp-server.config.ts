import { configSchema, csv, httpUrl, port, postgresUrl, trustProxy } from '@portcullis/config';
import { gracefulDrainEnvironment, gracefulDrainOptions, loggingEnvironment } from '@portcullis/http';
import { canonicalResource } from '@portcullis/oauth';
import { eventProducerEnvironment, issuerRevocationsUrl, revocationsEnvironment } from '@portcullis/events';
import { DEFAULT_ISSUER, DEFAULT_RESOURCES } from '@portcullis/scopes';
import { z } from 'zod';
import { metricsEnvironment } from '@portcullis/metrics';

/**
 * Every setting of the MCP server, by its environment variable name (the public contract),
 * with its default, read once at start-up.
 */
export const mcpServerEnvironment = {
  NODE_ENV: z.string().optional(),
  PORT: port(3000),
  /** The resource identifier (RFC 8707) tokens must name in `aud`; also this server's public URL. */
  RESOURCE_URL: httpUrl.default(DEFAULT_RESOURCES.mcp),
  ISSUER_URL: httpUrl.default(DEFAULT_ISSUER),
  /** Skips RFC 8414 discovery of the issuer's keys. */
  JWKS_URI: httpUrl.optional(),
  DATABASE_URL: postgresUrl,
  SQLITE_PATH: z.string().min(1).default('data/mcp-server.sqlite'),
  /** Host header values accepted (DNS-rebinding protection); defaults derived from RESOURCE_URL and PORT. */
  ALLOWED_HOSTS: csv,
  /** Origins accepted from browsers; empty (default) or "*" accepts any well-formed origin. */
  ALLOWED_ORIGINS: csv,
  /** Memory budget of the verified-token cache, in MiB (bench/mcp/README.md: bytes per cached token); 0 disables it. */
  TOKEN_CACHE_MB: z.coerce.number().min(0).default(32),
  /** An optional cap on how many verified tokens are cached as well; 0 disables the cache. */
  TOKEN_CACHE_SIZE: z.coerce.number().int().min(0).optional(),
  /** AUDIT_INGEST_SECRET is bound to /portcullis/mcp-server in the audit service's AUDIT_INGEST_PRODUCERS. */
  ...eventProducerEnvironment,
  ...revocationsEnvironment,
  /** Reverse proxies whose X-Forwarded-For is believed: false | hop count | addresses/CIDRs (libs/config). */
  TRUST_PROXY: trustProxy,
  /** /metrics: METRICS_ENABLED (default true) and METRICS_TOKEN, the scraper's bearer token (libs/metrics). */
  ...metricsEnvironment,
  ...gracefulDrainEnvironment,
  /** LOG_LEVEL, LOG_FORMAT (libs/http logging.settings). */
  ...loggingEnvironment,
};

/**
 * The parsed settings as the code reads them, in camelCase, plus what follows from
 * RESOURCE_URL: the canonical `resource` (RFC 8707), where MCP is served and the RFC 9728
 * metadata URL; and the defaults that depend on other settings.
 */
export const mcpServerConfigSchema = configSchema(mcpServerEnvironment)
  .superRefine((config, ctx) => {
    const resource = canonicalResource(config.resourceUrl);
    if (!resource) {
      ctx.addIssue({ code: 'custom', path: ['RESOURCE_URL'], message: 'must be an absolute http(s) URL without fragment' });
      return;
    }
    const url = new URL(resource);
    if (url.search) ctx.addIssue({ code: 'custom', path: ['RESOURCE_URL'], message: 'must not have a query string' });
    const problem = mcpPathProblem(url.pathname);
    if (problem) ctx.addIssue({ code: 'custom', path: ['RESOURCE_URL'], message: problem });
  })
  .transform(({ resourceUrl, issuerUrl, ...config }) => {
    const resource = canonicalResource(resourceUrl) as string;
    const url = new URL(resource);
    const path = url.pathname === '/' ? '' : url.pathname;
    const allowedHosts =
      config.allowedHosts.length > 0
        ? config.allowedHosts
        : [url.host, `localhost:${config.port}`, `127.0.0.1:${config.port}`, `[::1]:${config.port}`];
    return {
      ...config,
      resource,
      /** Where MCP is served, and the suffix of its RFC 9728 well-known URL: the resource's path. */
      mcpPath: path,
      origin: url.origin,
      issuer: issuerUrl,
      // RFC 9728 §3.1: the well-known segment goes between the host and the resource's path.
      resourceMetadataUrl: `${url.origin}/.well-known/oauth-protected-resource${path}`,
      allowedHosts: [...new Set(allowedHosts.map((h) => h.toLowerCase()))],
      allowedOrigins: config.allowedOrigins.includes('*') ? [] : config.allowedOrigins,
      tokenCacheBytes: Math.floor(config.tokenCacheMb * 1024 * 1024),
      revocationsUrl: config.revocationsUrl ?? issuerRevocationsUrl(issuerUrl),
      ...gracefulDrainOptions(config),
    };
  });

/**
 * MCP is served at the path of RESOURCE_URL (e.g. `/mcp`, `/tools/v1/mcp`), and its protected
 * resource metadata at `/.well-known/oauth-protected-resource` + that path (RFC 9728 §3.1).
 * Refused: no path (the root is the origin's own metadata document), and paths that would
 * shadow the health probes or the well-known documents, or carry route pattern characters.
 */
function mcpPathProblem(path: string): string | undefined {
  if (path === '' || path === '/') return 'must have a path where MCP is served (e.g. http://localhost:3000/mcp)';
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(path)) return 'path segments may use only letters, digits and . _ ~ -';
  if (/^\/(health|\.well-known)(\/|$)/.test(path)) return 'path must not be under /health or /.well-known';
  return undefined;
}

export type McpServerConfig = z.infer<typeof mcpServerConfigSchema>;
export const MCP_SERVER_CONFIG = Symbol('MCP_SERVER_CONFIG');
