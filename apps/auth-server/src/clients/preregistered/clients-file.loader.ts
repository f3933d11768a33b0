import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { ConfigError } from '@portcullis/config';
import { OAuthError, sha256Base64Url } from '@portcullis/oauth';
import { AUTH_CONFIG } from '../../config/auth-config';
import { ResourceRegistry } from '../../resources/resource-registry';
import { ScopeDirectory } from '../../resources/scope-directory';
import type { AuthConfig } from '../../config/auth-config';
import { chosenClientIdProblem, ClientRegistrar, PreregisteredClient } from '../client-registrar';
import { ClientMetadata, usesClientSecret, validateClientMetadata } from '../metadata/client-metadata.validator';

/** Operator-chosen secrets are stored with a fast digest, so they must be long and random. */
const MIN_SECRET_LENGTH = 32;
const SHA256_BASE64URL = /^[A-Za-z0-9_-]{43}$/;

/**
 * A problem with CLIENTS_FILE is a configuration problem: the start stops with this one line
 * and status 78 (main.ts), like a malformed variable, instead of a stack trace.
 */
export class ClientsFileError extends ConfigError {
  constructor(problem: string) {
    super([`config: ${problem}`]);
  }
}

export interface FileClient {
  clientId: string;
  secretHash: string | null;
  raw: Record<string, unknown>;
}

/**
 * Reads the entries of a CLIENTS_FILE: a JSON array of RFC 7591 client metadata objects, each
 * with its `client_id` and, for secret-based authentication, either `client_secret` (hashed
 * here, never stored) or `client_secret_sha256` (sha256, base64url); `resource_server`
 * (a resource URL) makes the client that resource's resource server (introspection). Throws one clear error
 * naming the entry and the problem.
 */
export function parseClientsFile(text: string, source: string): FileClient[] {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    throw new ClientsFileError(`${source}: not valid JSON`);
  }
  if (!Array.isArray(entries)) throw new ClientsFileError(`${source}: must be a JSON array of client metadata objects`);
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const where = `${source}: entry ${index}`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new ClientsFileError(`${where}: must be an object`);
    const raw = entry as Record<string, unknown>;
    const idProblem = chosenClientIdProblem(raw.client_id);
    if (idProblem) throw new ClientsFileError(`${where}: ${idProblem}`);
    const clientId = raw.client_id as string;
    if (seen.has(clientId)) throw new ClientsFileError(`${where}: client_id '${clientId}' appears twice`);
    seen.add(clientId);
    return { clientId, secretHash: readSecretHash(raw, `${where} ('${clientId}')`), raw };
  });
}

function readSecretHash(raw: Record<string, unknown>, where: string): string | null {
  const secret = raw.client_secret;
  const digest = raw.client_secret_sha256;
  if (secret !== undefined && digest !== undefined) throw new ClientsFileError(`${where}: give client_secret or client_secret_sha256, not both`);
  if (secret !== undefined) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      throw new ClientsFileError(`${where}: client_secret must be a string of at least ${MIN_SECRET_LENGTH} random characters`);
    }
    return sha256Base64Url(secret);
  }
  if (digest !== undefined) {
    if (typeof digest !== 'string' || !SHA256_BASE64URL.test(digest)) {
      throw new ClientsFileError(`${where}: client_secret_sha256 must be the base64url sha256 digest (43 characters)`);
    }
    return digest;
  }
  return null;
}

/**
 * Pre-registration by configuration (MCP 2026-07-28 "Pre-registration"): at start, every
 * client in CLIENTS_FILE is created or brought up to date, trusted, with origin
 * 'preregistered'. Metadata goes through the same validator as registration requests.
 */
@Injectable()
export class ClientsFileLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger('clients');

  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly registrar: ClientRegistrar,
    private readonly resources: ResourceRegistry,
    private readonly scopes: ScopeDirectory,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const path = this.config.clientsFile;
    if (!path) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ClientsFileError(`CLIENTS_FILE ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const entries = this.validate(parseClientsFile(text, `CLIENTS_FILE ${path}`));
    let created = 0;
    for (const entry of entries) if (await this.registrar.upsertPreregistered(entry)) created++;
    this.logger.log(`CLIENTS_FILE: ${entries.length} clients (${created} new)`);
  }

  /** Everything is checked before anything is written: a bad file changes nothing. */
  private validate(entries: FileClient[]): PreregisteredClient[] {
    return entries.map((entry, index) => {
      const where = `CLIENTS_FILE ${this.config.clientsFile}: entry ${index} ('${entry.clientId}')`;
      let metadata: ClientMetadata;
      try {
        metadata = validateClientMetadata(entry.raw, {
          source: 'preregistered',
          trusted: true,
          resources: this.resources.all().map((r) => r.identifier),
          findScope: (name) => this.scopes.find(name),
        });
      } catch (err) {
        if (err instanceof OAuthError) throw new ClientsFileError(`${where}: ${err.error}: ${err.description}`);
        throw err;
      }
      const method = metadata.tokenEndpointAuthMethod;
      const needsSecret = usesClientSecret(method);
      if (needsSecret && !entry.secretHash) throw new ClientsFileError(`${where}: ${method} needs client_secret or client_secret_sha256`);
      if (!needsSecret && entry.secretHash) throw new ClientsFileError(`${where}: token_endpoint_auth_method ${method} takes no client secret`);
      return { clientId: entry.clientId, metadata, secretHash: entry.secretHash };
    });
  }
}
