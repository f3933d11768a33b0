import { z } from 'zod';
import { booleanFlag, configSchema, csv, developmentSwitch, httpUrl, port, postgresUrl, redisUrl, seconds, trustProxy } from '@portcullis/config';
import { purgeEnvironment } from '@portcullis/database';
import { eventProducerEnvironment } from '@portcullis/events';
import { gatewayFileSetting } from '@portcullis/gateway-config';
import { loggingEnvironment } from '@portcullis/http';
import { DEFAULT_ISSUER, DEFAULT_RESOURCES } from '@portcullis/scopes';
import { oidcConnectionsSetting } from './oidc-connections';
import { plainHttpJwksUris, trustedIssuersFile } from './trusted-issuers-file';
import { keyEncryptionKey, keyEncryptionKeyFile } from './key-encryption-keys';
import { metricsEnvironment } from '@portcullis/metrics';
import { bootstrapUsersSetting } from './bootstrap-users';

/** RFC 9700 §2.2.2: how long a rotated refresh token stays usable, unless REFRESH_GRACE_SECONDS says otherwise. */
export const DEFAULT_REFRESH_GRACE_SECONDS = 10;

/**
 * Every setting of the authorization server, by its environment variable name (the public
 * contract), with its default, in one place. Durations are in seconds.
 */
export const authEnvironment = {
  PORT: port(9000),
  HOST: z.string().default('0.0.0.0'),
  /** RFC 8414 §2: the issuer identifier, exactly as published and put in `iss`. */
  ISSUER_URL: httpUrl
    .refine((v) => new URL(v).pathname === '/' && !new URL(v).search && !new URL(v).hash, {
      message: 'must be an origin without path, query or fragment (the endpoints and RFC 8414 metadata are served at the root)',
    })
    .default(DEFAULT_ISSUER),
  DATABASE_URL: postgresUrl,
  SQLITE_PATH: z.string().default('data/auth-server.sqlite'),
  /**
   * PURGE_INTERVAL_SECONDS (0 = never), PURGE_BATCH_SIZE: expired codes, tokens, grants,
   * interactions, sessions and replay entries deleted on a schedule, kept as long as a replay
   * check needs them (database/auth-purges.ts).
   */
  ...purgeEnvironment,
  /**
   * What the replicas share (shared-state/): the assertion replay ledger, the login throttle and
   * the registration brake. Set → in Redis; unset → in the database (counters in memory on SQLite).
   */
  REDIS_URL: redisUrl,
  /** Prefix of every key the auth-server writes in Redis (several deployments can share one). */
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[\x21-\x7E]{1,64}$/, 'must be 1-64 printable ASCII characters without spaces')
    .default('portcullis:auth:'),
  /**
   * BROKER_URL, AUDIT_INGEST_URL, AUDIT_INGEST_SECRET: the audit service binds the secret to the
   * source /portcullis/auth-server in AUDIT_INGEST_PRODUCERS. Unset → ingest refuses our events
   * (they wait in the outbox). Not used with a broker.
   */
  ...eventProducerEnvironment,
  /** Where the built console is (apps/console → dist/apps/console), served under /console/. */
  CONSOLE_DIR: z.string().min(1).default('dist/apps/console'),
  MCP_RESOURCE_URL: httpUrl.default(DEFAULT_RESOURCES.mcp),
  AUDIT_RESOURCE_URL: httpUrl.default(DEFAULT_RESOURCES.audit),
  /**
   * The MCP gateway's file (libs/gateway-config), the same one the gateway reads: each upstream
   * becomes a resource (`<publicUrl>/<name>/mcp`) with its declared scopes. Unset → no gateway.
   */
  GATEWAY_CONFIG_FILE: gatewayFileSetting,
  /** Resource used when an authorization request names none (clients of MCP 2025-03-26). */
  DEFAULT_RESOURCE: httpUrl.optional(),
  ACCESS_TOKEN_TTL: seconds(600),
  REFRESH_TOKEN_TTL: seconds(30 * 24 * 3600),
  /** RFC 9700 §2.2.2: a rotated refresh token stays usable this long, for clients racing themselves. */
  REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).default(DEFAULT_REFRESH_GRACE_SECONDS),
  AUTHORIZATION_CODE_TTL: seconds(60),
  INTERACTION_TTL: seconds(600),
  SESSION_TTL: seconds(8 * 3600),
  /** How long a retired signing key stays published; must exceed ACCESS_TOKEN_TTL. */
  KEY_RETIREMENT_GRACE: seconds(3600),
  /**
   * Signing keys at rest (keys/key-encryption.ts): the key-encryption key, 32 random bytes
   * base64url, given directly or as a file (a mounted secret). Unset → keys stored as plain PEM
   * (a loud warning when NODE_ENV=production).
   */
  KEYS_ENCRYPTION_KEY: keyEncryptionKey,
  KEYS_ENCRYPTION_KEY_FILE: keyEncryptionKeyFile,
  /** The KEK before the last KEK rotation: still opens keys until `keys:reencrypt` (or a start) re-seals them. */
  KEYS_ENCRYPTION_KEY_PREVIOUS: keyEncryptionKey,
  /** Rotate the signing key automatically every this many days (fractions allowed); 0 = only by `keys:rotate`. */
  SIGNING_KEY_ROTATION_DAYS: z.coerce.number().min(0).max(3650).default(0),
  /** People created at start if missing: `user:password[:admin],…` (config/bootstrap-users.ts). */
  BOOTSTRAP_USERS: bootstrapUsersSetting,
  /** RFC 7591 §3: presenting this as a Bearer token at registration creates a trusted client. */
  REGISTRATION_INITIAL_ACCESS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** JSON file of pre-registered clients, loaded at start. */
  CLIENTS_FILE: z.string().optional(),
  /**
   * JSON file of the issuers the jwt-bearer grant trusts: enterprise IdPs (ID-JAG) and workload
   * platforms (config/trusted-issuers-file.ts). Read and validated at start; unset → the grant is off.
   */
  TRUSTED_ISSUERS_FILE: trustedIssuersFile,
  /** Development only: allow http:// jwks_uri in TRUSTED_ISSUERS_FILE. Refused when NODE_ENV=production. */
  TRUSTED_ISSUERS_ALLOW_HTTP: developmentSwitch(),
  /** Client ID Metadata Documents: hosts allowed even if they resolve to private addresses. */
  CIMD_ALLOWED_PRIVATE_HOSTS: csv,
  /** Development only: allow http:// client_id URLs. Refused when NODE_ENV=production. */
  CIMD_ALLOW_HTTP: developmentSwitch(),
  /** Open (anonymous) registrations accepted per client address per minute; 0 = no limit. */
  REGISTRATION_RATE_LIMIT: z.coerce.number().int().min(0).default(30),
  /**
   * Login throttling (users/login-throttle.ts): growing delays, never a hard lock. Failures
   * of one account from one address allowed before delays start (4× that for one address over
   * all accounts, and for one account over all addresses).
   */
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  /** The first delay; it doubles with every further failure. */
  LOGIN_DELAY_SECONDS: seconds(1),
  /** The longest delay (the name is kept from the former hard lockout). */
  LOGIN_LOCKOUT_SECONDS: seconds(300),
  /**
   * Identical unauthenticated rejections (failed /authorize, failed logins) within this window
   * are stored as one event with `count` (audit/repeated-rejections.ts).
   */
  AUDIT_REJECTION_WINDOW_SECONDS: seconds(60),
  /** Upstream OpenID Providers people may sign in with (config/oidc-connections.ts); unset → none. */
  OIDC_CONNECTIONS_FILE: oidcConnectionsSetting,
  /** Development only: allow an upstream issuer over http://. Refused when NODE_ENV=production. */
  OIDC_ALLOW_HTTP: developmentSwitch(),
  /** false → the login page offers only the OIDC connections (at least one is then required). */
  PASSWORD_LOGIN: booleanFlag(true),
  /** Reverse proxies whose X-Forwarded-For is believed: false | hop count | addresses/CIDRs (libs/config). */
  TRUST_PROXY: trustProxy,
  /** LOG_LEVEL, LOG_FORMAT (libs/http logging.settings). */
  ...loggingEnvironment,
  /** /metrics: METRICS_ENABLED (default true) and METRICS_TOKEN, the scraper's bearer token (libs/metrics). */
  ...metricsEnvironment,
  NODE_ENV: z.string().optional(),
};

/** The parsed settings as the code reads them: `ACCESS_TOKEN_TTL` → `config.accessTokenTtl`. */
export const authConfigSchema = configSchema(authEnvironment)
  .superRefine((config, ctx) => {
    if (config.keysEncryptionKeyPrevious && !config.keysEncryptionKey && !config.keysEncryptionKeyFile) {
      ctx.addIssue({ code: 'custom', path: ['KEYS_ENCRYPTION_KEY_PREVIOUS'], message: 'needs the new key in KEYS_ENCRYPTION_KEY or KEYS_ENCRYPTION_KEY_FILE' });
    }
    if (!config.passwordLogin && config.oidcConnectionsFile.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['PASSWORD_LOGIN'], message: 'false needs at least one connection in OIDC_CONNECTIONS_FILE (nobody could sign in)' });
    }
    for (const connection of config.oidcConnectionsFile) {
      if (connection.issuer.startsWith('http:') && !config.oidcAllowHttp) {
        ctx.addIssue({ code: 'custom', path: ['OIDC_CONNECTIONS_FILE'], message: `connection '${connection.id}': issuer must be https (OIDC_ALLOW_HTTP=true allows http in development)` });
      }
    }
    // The MCP WIF extension and the ID-JAG profile (§7.3): issuer keys only over TLS.
    if (config.trustedIssuersAllowHttp) return;
    for (const uri of plainHttpJwksUris(config.trustedIssuersFile)) {
      ctx.addIssue({ code: 'custom', path: ['TRUSTED_ISSUERS_FILE'], message: `jwks_uri ${uri} must be https (TRUSTED_ISSUERS_ALLOW_HTTP=true allows http outside production)` });
    }
  })
  // The setting names a file; the code reads the connections it declares.
  .transform(({ oidcConnectionsFile, keysEncryptionKey, keysEncryptionKeyFile, ...config }) => ({
    ...config,
    oidcConnections: oidcConnectionsFile,
    // One KEK whichever way it was given.
    keysEncryptionKey: keysEncryptionKey ?? keysEncryptionKeyFile,
  }));

export type AuthConfig = z.infer<typeof authConfigSchema>;

/** Nest injection token for the parsed configuration. */
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
