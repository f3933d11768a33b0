import { configSchema, csv, httpUrl, port, postgresUrl, redisUrl, seconds, trustProxy } from '@portcullis/config';
import { eventProducerEnvironment, issuerRevocationsUrl, revocationsEnvironment } from '@portcullis/events';
import { gracefulDrainEnvironment, gracefulDrainOptions, loggingEnvironment } from '@portcullis/http';
import { gatewayFileSetting, type GatewayUpstream } from '@portcullis/gateway-config';
import { DEFAULT_ISSUER } from '@portcullis/scopes';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { metricsEnvironment } from '@portcullis/metrics';

/**
 * Every setting of the MCP gateway, by its environment variable name (the public contract),
 * with its default, read once at start-up. The upstreams themselves are in the gateway file.
 */
export const gatewayEnvironment = {
  NODE_ENV: z.string().optional(),
  PORT: port(3300),
  /** The upstreams, their credentials and policy (libs/gateway-config); the auth-server reads the same file. */
  GATEWAY_CONFIG_FILE: gatewayFileSetting.refine((file) => file !== undefined, 'is required: the file that declares the upstreams'),
  ISSUER_URL: httpUrl.default(DEFAULT_ISSUER),
  /** Skips RFC 8414 discovery of the issuer's keys. */
  JWKS_URI: httpUrl.optional(),
  /**
   * PKCS#8 PEM file of the Ed25519 key the gateway signs upstream identity tokens with. Unset →
   * a key generated at start: fine for one process, but replicas must share one key (or an
   * upstream would trust only the replica whose JWKS it fetched last).
   */
  IDENTITY_KEY_FILE: z.string().min(1).optional(),
  /** Largest accepted MCP request body, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(4 * 1024 * 1024),
  /** The outbox of audit events (the gateway keeps no other state). */
  DATABASE_URL: postgresUrl,
  SQLITE_PATH: z.string().min(1).default('data/mcp-gateway.sqlite'),
  /** Host header values accepted (DNS-rebinding protection); defaults derived from the file's publicUrl and PORT. */
  ALLOWED_HOSTS: csv,
  /** Origins accepted from browsers; empty (default) or "*" accepts any well-formed origin. */
  ALLOWED_ORIGINS: csv,
  /** Memory budget of each upstream's verified-token cache, in MiB; 0 disables it. */
  TOKEN_CACHE_MB: z.coerce.number().min(0).default(8),
  /** Rate-limit counters shared by every replica; unset → each process counts alone, in memory. */
  REDIS_URL: redisUrl,
  /** Prefix of every rate-limit key in Redis (several gateways, or test runs, can share one Redis). */
  RATE_LIMIT_KEY_PREFIX: z
    .string()
    .regex(/^[\x21-\x7E]{1,64}$/, 'must be 1-64 printable ASCII characters without spaces')
    .default('portcullis:gateway:'),
  /** Identical limit refusals (upstream, reason, subject, client) within this window are one audit event with `count`. */
  AUDIT_REJECTION_WINDOW_SECONDS: seconds(60),
  /** AUDIT_INGEST_SECRET is bound to /portcullis/mcp-gateway in AUDIT_INGEST_PRODUCERS. */
  ...eventProducerEnvironment,
  ...revocationsEnvironment,
  TRUST_PROXY: trustProxy,
  /** /metrics: METRICS_ENABLED (default true) and METRICS_TOKEN, the scraper's bearer token (libs/metrics). */
  ...metricsEnvironment,
  /** Open streams are cut when SHUTDOWN_DRAIN_TIMEOUT_MS ends. */
  ...gracefulDrainEnvironment,
  /** LOG_LEVEL, LOG_FORMAT (libs/http logging.settings). */
  ...loggingEnvironment,
};

function readKeyFile(path: string | undefined, ctx: z.RefinementCtx): string | undefined {
  if (path === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['IDENTITY_KEY_FILE'], message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
    return undefined;
  }
  let type: string | undefined;
  try {
    type = createPrivateKey({ key: pem, format: 'pem' }).asymmetricKeyType;
  } catch {
    type = undefined;
  }
  if (type !== 'ed25519') {
    ctx.addIssue({ code: 'custom', path: ['IDENTITY_KEY_FILE'], message: `${path} must hold an Ed25519 private key in PKCS#8 PEM` });
    return undefined;
  }
  return pem;
}

/**
 * Each upstream's secret — the value of its credential header (auth `header`) or its client
 * secret at its own authorization server (auth `client_credentials`) — read now so that a
 * missing one stops the start with its line. Read from the process environment (or a file)
 * rather than from the gateway file, which holds no secret; a value is never logged.
 */
function upstreamSecrets(upstreams: readonly GatewayUpstream[], ctx: z.RefinementCtx): Map<string, string> {
  const secrets = new Map<string, string>();
  upstreams.forEach((u, i) => {
    const source =
      u.auth.type === 'header'
        ? { env: u.auth.valueFromEnv, file: u.auth.valueFromFile, what: 'the header value' }
        : u.auth.type === 'client_credentials'
          ? { env: u.auth.clientSecretFromEnv, file: u.auth.clientSecretFromFile, what: 'the client secret' }
          : undefined;
    if (!source) return;
    const where = ['GATEWAY_CONFIG_FILE'];
    let value: string | undefined;
    if (source.env) {
      value = process.env[source.env];
      if (!value) ctx.addIssue({ code: 'custom', path: where, message: `upstreams.${i}.auth: environment variable ${source.env} is not set` });
    } else if (source.file) {
      try {
        value = readFileSync(source.file, 'utf8').trim();
      } catch (err) {
        ctx.addIssue({ code: 'custom', path: where, message: `upstreams.${i}.auth: cannot read ${source.file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}` });
      }
    }
    if (value !== undefined && !/^[\x20-\x7E]{1,4096}$/.test(value)) {
      ctx.addIssue({ code: 'custom', path: where, message: `upstreams.${i}.auth: ${source.what} must be 1-4096 printable ASCII characters` });
    } else if (value) secrets.set(u.name, value);
  });
  return secrets;
}

export const gatewayConfigSchema = configSchema(gatewayEnvironment).transform(({ gatewayConfigFile, issuerUrl, identityKeyFile, ...config }, ctx) => {
  const file = gatewayConfigFile as NonNullable<typeof gatewayConfigFile>;
  const publicHost = new URL(file.publicUrl).host;
  const allowedHosts =
    config.allowedHosts.length > 0 ? config.allowedHosts : [publicHost, `localhost:${config.port}`, `127.0.0.1:${config.port}`, `[::1]:${config.port}`];
  return {
    ...config,
    publicUrl: file.publicUrl,
    upstreams: file.upstreams,
    /** Upstream name → its credential header's value (auth `header`) or client secret (auth `client_credentials`). */
    upstreamSecrets: upstreamSecrets(file.upstreams, ctx),
    issuer: issuerUrl,
    identityKeyPem: readKeyFile(identityKeyFile, ctx),
    allowedHosts: [...new Set(allowedHosts.map((h) => h.toLowerCase()))],
    allowedOrigins: config.allowedOrigins.includes('*') ? [] : config.allowedOrigins,
    tokenCacheBytes: Math.floor(config.tokenCacheMb * 1024 * 1024),
    revocationsUrl: config.revocationsUrl ?? issuerRevocationsUrl(issuerUrl),
    ...gracefulDrainOptions(config),
  };
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
