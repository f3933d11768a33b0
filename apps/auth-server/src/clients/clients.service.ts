import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { ClientEntity } from './client.entity';
import { ClientMetadataDocumentResolver } from './metadata-document/client-metadata-document.resolver';

/**
 * How long a client looked up from the database is served from memory. Another replica may
 * still act on its cached copy this long after a client was disabled or deleted, which is why
 * a client's token cutoff reaches this far past the change (token/client-token-cutoffs.ts).
 */
export const CLIENT_CACHE_TTL_MS = 5_000;

/**
 * Finds clients however they were registered: stored (pre-registered or RFC 7591) or
 * described by a Client ID Metadata Document. The token endpoint looks a client up on every
 * request, so stored clients are cached briefly; changes through this service invalidate.
 */
@Injectable()
export class ClientsService {
  private readonly cache = new Map<string, { client: ClientEntity | undefined; until: number }>();
  private readonly removalHooks: ((clientId: string) => Promise<void>)[] = [];

  constructor(
    @InjectRepository(ClientEntity) private readonly clients: Repository<ClientEntity>,
    private readonly metadataDocuments: ClientMetadataDocumentResolver,
  ) {}

  /** A client that may act now: a disabled one is as good as unknown (it cannot authenticate or be authorized). */
  async find(clientId: string): Promise<ClientEntity | undefined> {
    const client = await this.findCached(clientId);
    return client?.disabledAt ? undefined : client;
  }

  private async findCached(clientId: string): Promise<ClientEntity | undefined> {
    if (clientId.length === 0 || clientId.length > 2048) return undefined;
    if (this.metadataDocuments.isMetadataDocumentId(clientId)) return this.metadataDocuments.resolve(clientId);
    const hit = this.cache.get(clientId);
    const now = Date.now();
    if (hit && hit.until > now) return hit.client;
    const client = (await this.clients.findOne({ where: { clientId } })) ?? undefined;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(clientId, { client, until: now + CLIENT_CACHE_TTL_MS });
    return client;
  }

  /** A stored client, never a metadata document, read fresh (registration management, CLI). */
  async findStored(clientId: string): Promise<ClientEntity | undefined> {
    if (clientId.length === 0 || clientId.length > 255) return undefined;
    return (await this.clients.findOne({ where: { clientId } })) ?? undefined;
  }

  async exists(clientId: string): Promise<boolean> {
    return (await this.findStored(clientId)) !== undefined;
  }

  /** `manager`: inside that transaction (a change saved with its event). */
  async save(client: ClientEntity, manager?: EntityManager): Promise<ClientEntity> {
    this.cache.delete(client.clientId);
    return manager ? manager.save(ClientEntity, client) : this.clients.save(client);
  }

  /**
   * Deletes a client after running the removal hooks: what was issued to it must die with it
   * (RFC 7592 §2.3: the server "MUST ... invalidate" its credentials; the token side
   * registers a hook, see ClientDeletionRevoker). Hooks keep this module free of token storage.
   */
  async remove(clientId: string): Promise<void> {
    for (const hook of this.removalHooks) await hook(clientId);
    this.cache.delete(clientId);
    await this.clients.delete({ clientId });
  }

  onRemove(hook: (clientId: string) => Promise<void>): void {
    this.removalHooks.push(hook);
  }
}
