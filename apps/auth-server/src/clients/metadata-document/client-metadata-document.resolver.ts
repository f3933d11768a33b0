import { InvalidClient, InvalidClientMetadata, OAuthError } from '@portcullis/oauth';
import { ClientEntity } from '../client.entity';
import { ClientEventsPublisher } from '../client-events.publisher';
import { toClientEntity } from '../metadata/client-metadata.mapper';
import { validateClientMetadata } from '../metadata/client-metadata.validator';
import type { MetadataPolicy } from '../metadata/client-metadata';
import { cacheLifetimeMs, CacheBounds } from './cache-lifetime';
import { guardedFetch, GuardedFetchError, HostResolver } from './guarded-fetch';

export interface MetadataDocumentOptions {
  /** Development only (CIMD_ALLOW_HTTP): accept http:// client_id URLs. */
  allowHttp: boolean;
  /** CIMD_ALLOWED_PRIVATE_HOSTS: hosts that may resolve to private or loopback addresses. */
  allowedPrivateHosts: readonly string[];
  timeoutMs: number;
  maxBytes: number;
  cache: CacheBounds;
  /** The scope directory's lookup: declared scopes are accepted like built-in ones. */
  findScope?: MetadataPolicy['findScope'];
  /** How long a failed fetch or an invalid document is remembered. */
  failureTtlMs: number;
  resolveHost?: HostResolver;
}

export const DEFAULT_METADATA_DOCUMENT_OPTIONS: MetadataDocumentOptions = {
  allowHttp: false,
  allowedPrivateHosts: [],
  timeoutMs: 5_000,
  maxBytes: 64 * 1024,
  cache: { minMs: 60_000, maxMs: 24 * 3600_000, defaultMs: 300_000 },
  failureTtlMs: 10_000,
};

/** Documents kept in memory at most; beyond that the oldest entries go first. */
const MAX_CACHED = 1_000;

interface CacheEntry {
  until: number;
  client?: ClientEntity;
  error?: OAuthError;
}

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, MCP 2026-07-28
 * "Client ID Metadata Documents"): a client_id that is an https URL names a JSON document
 * describing the client. The document is fetched through the SSRF guard, cached as its HTTP
 * headers allow (within bounds), and validated by the same validator as registrations, with
 * the rules a public document adds: its `client_id` equals the URL exactly, `client_name`
 * and `redirect_uris` are present, no shared secret, no client_credentials. Such a client is
 * never trusted and never stored.
 */
export class ClientMetadataDocumentResolver {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly inFlight = new Map<string, Promise<ClientEntity>>();
  private readonly announced = new Set<string>();

  constructor(
    private readonly options: MetadataDocumentOptions = DEFAULT_METADATA_DOCUMENT_OPTIONS,
    private readonly events?: ClientEventsPublisher,
  ) {}

  /** True when the client_id is URL-shaped and so must be resolved by fetching it. */
  isMetadataDocumentId(clientId: string): boolean {
    return clientId.startsWith('https://') || clientId.startsWith('http://');
  }

  /**
   * The client the document describes. Throws `invalid_client` when the document cannot be
   * fetched, `invalid_client_metadata` when it is not acceptable.
   */
  async resolve(clientId: string, now = Date.now()): Promise<ClientEntity> {
    const url = this.checkClientIdUrl(clientId);
    const hit = this.cache.get(clientId);
    if (hit && hit.until > now) {
      if (hit.error) throw hit.error;
      return hit.client as ClientEntity;
    }
    const pending = this.inFlight.get(clientId);
    if (pending) return pending;
    const work = this.fetchAndValidate(clientId, url).finally(() => this.inFlight.delete(clientId));
    this.inFlight.set(clientId, work);
    return work;
  }

  /** draft-ietf-oauth-client-id-metadata-document §3: what a client_id URL must look like. */
  private checkClientIdUrl(clientId: string): URL {
    let url: URL;
    try {
      url = new URL(clientId);
    } catch {
      throw new InvalidClient('client_id is not a valid URL');
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.options.allowHttp)) {
      throw new InvalidClient('a client_id URL must use https');
    }
    if (clientId.includes('#')) throw new InvalidClient('a client_id URL must not have a fragment');
    if (url.username || url.password) throw new InvalidClient('a client_id URL must not contain userinfo');
    const rawPath = clientId.slice(clientId.indexOf('//') + 2).replace(/^[^/?]*/, '').replace(/\?.*$/, '');
    if (rawPath === '' || rawPath === '/') throw new InvalidClient('a client_id URL must have a path, e.g. https://app.example/client.json');
    const segments = rawPath.split('/').map((s) => s.replace(/%2e/gi, '.'));
    if (segments.some((s) => s === '.' || s === '..')) throw new InvalidClient('a client_id URL must not contain . or .. path segments');
    return url;
  }

  private async fetchAndValidate(clientId: string, url: URL): Promise<ClientEntity> {
    try {
      const fetched = await this.fetch(url);
      const client = this.toClient(clientId, fetched.body);
      this.remember(clientId, { client, until: Date.now() + cacheLifetimeMs(fetched.headers['cache-control'], this.options.cache) });
      if (!this.announced.has(clientId)) {
        if (this.announced.size > MAX_CACHED) this.announced.clear();
        this.announced.add(clientId);
        await this.events?.registered(client, 'metadata_document');
      }
      return client;
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      this.remember(clientId, { error: err, until: Date.now() + this.options.failureTtlMs });
      await this.events?.rejected(err, { clientId });
      throw err;
    }
  }

  private async fetch(url: URL) {
    try {
      return await guardedFetch(url, this.options);
    } catch (err) {
      if (err instanceof GuardedFetchError) throw new InvalidClient(`the client metadata document ${err.reason}`);
      throw err;
    }
  }

  private toClient(clientId: string, body: Buffer): ClientEntity {
    let doc: unknown;
    try {
      doc = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidClientMetadata('the client metadata document is not valid JSON');
    }
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InvalidClientMetadata('the client metadata document must be a JSON object');
    const raw = doc as Record<string, unknown>;
    // §4: simple string comparison, so a document cannot speak for another URL.
    if (raw.client_id !== clientId) throw new InvalidClientMetadata('client_id in the metadata document does not equal its URL');
    if (typeof raw.client_name !== 'string') throw new InvalidClientMetadata('the client metadata document has no client_name');
    if (!Array.isArray(raw.redirect_uris) || raw.redirect_uris.length === 0) {
      throw new InvalidClientMetadata('the client metadata document has no redirect_uris');
    }
    // §4.1: a public document cannot hold a shared secret.
    if (raw.client_secret !== undefined || raw.client_secret_expires_at !== undefined) {
      throw new InvalidClientMetadata('a client metadata document must not contain a client secret');
    }
    const metadata = validateClientMetadata(raw, {
      source: 'metadata_document',
      trusted: false,
      allowHttpUris: this.options.allowHttp,
      findScope: this.options.findScope,
    });
    return toClientEntity(metadata, {
      clientId,
      trusted: false,
      origin: 'metadata_document',
      secretHash: null,
      registrationTokenHash: null,
      createdAt: Date.now(),
    });
  }

  private remember(clientId: string, entry: CacheEntry): void {
    this.cache.delete(clientId);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(clientId, entry);
  }
}
