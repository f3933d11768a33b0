import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { EventType, EventData } from '@portcullis/contracts';
import { OAuthError, sha256Base64Url } from '@portcullis/oauth';
import { AuditTrail } from '../../audit/audit-trail';
import type { EventActor } from '../../audit/event-actor';
import { ClientEntity } from '../../clients/client.entity';
import { ClientRegistrar, generateSecret } from '../../clients/client-registrar';
import { ClientsService } from '../../clients/clients.service';
import { usesClientSecret, validateClientMetadata } from '../../clients/metadata/client-metadata.validator';
import { ResourceRegistry } from '../../resources/resource-registry';
import { ScopeDirectory } from '../../resources/scope-directory';
import { ClientTokenCutoffs } from '../../token/client-token-cutoffs';
import { AdminGrantsService } from '../grants/admin-grants.service';
import { Conflict } from '../routes/admin-errors';
import { changeFound, findOr404 } from '../routes/operator-change';
import { containsPattern, decodeCursor, PageQuery, toPage } from '../routes/paging';
import type { ClientView, NewClientBody } from './admin-clients.routes';

type ClientChange = EventData<typeof EventType.ClientUpdated>['change'];
const seconds = (ms: number) => Math.floor(ms / 1000);
const clientNamed = (clientId: string) => `client '${clientId.slice(0, 255)}'`;

export function clientView(c: ClientEntity): ClientView {
  return {
    client_id: c.clientId,
    client_name: c.clientName,
    origin: c.origin,
    trusted: c.trusted,
    disabled: !!c.disabledAt,
    token_endpoint_auth_method: c.tokenEndpointAuthMethod,
    grant_types: c.grantTypes,
    redirect_uris: c.redirectUris,
    scope: c.scope,
    resource_server: c.resourceServer,
    created_at: seconds(c.createdAt),
    disabled_at: c.disabledAt ? seconds(c.disabledAt) : null,
  };
}

/** The stored clients, as operators see and change them; every change with its event and actor. */
@Injectable()
export class AdminClientsService {
  constructor(
    @InjectRepository(ClientEntity) private readonly rows: Repository<ClientEntity>,
    private readonly clients: ClientsService,
    private readonly registrar: ClientRegistrar,
    private readonly resources: ResourceRegistry,
    private readonly scopes: ScopeDirectory,
    private readonly grants: AdminGrantsService,
    private readonly audit: AuditTrail,
    private readonly cutoffs: ClientTokenCutoffs,
  ) {}

  async list(query: PageQuery) {
    const after = decodeCursor(query.cursor);
    const select = this.rows.createQueryBuilder('c').orderBy('c.clientId', 'ASC').limit(query.limit + 1);
    if (after !== undefined) select.andWhere('c.clientId > :after', { after });
    if (query.q) select.andWhere(`(LOWER(c.clientId) LIKE LOWER(:p) ESCAPE '\\' OR LOWER(c.clientName) LIKE LOWER(:p) ESCAPE '\\')`, { p: containsPattern(query.q) });
    return toPage(await select.getMany(), query.limit, (c) => c.clientId, clientView);
  }

  get(clientId: string): Promise<ClientEntity> {
    return findOr404(this.clients.findStored(clientId), clientNamed(clientId));
  }

  /** A trusted client, checked by the same validator as every registration channel. */
  async create(body: NewClientBody): Promise<{ client: ClientEntity; clientSecret?: string }> {
    let metadata;
    try {
      metadata = validateClientMetadata(body, {
        source: 'preregistered',
        trusted: true,
        resources: this.resources.all().map((r) => r.identifier),
        findScope: (name) => this.scopes.find(name),
      });
    } catch (err) {
      if (err instanceof OAuthError) throw new OAuthError(err.error, `body: ${err.description}`, 400);
      throw err;
    }
    return this.registrar.create({ metadata, trusted: true, origin: 'preregistered', channel: 'admin' });
  }

  /**
   * Disabled: unknown to every endpoint (clients.service find); its live grants and tokens are
   * revoked — the recorded ones by `jti`, and all of them, client_credentials tokens included,
   * by the client's cutoff, committed with the change (client-token-cutoffs.ts).
   */
  disable(clientId: string, actor: EventActor): Promise<ClientEntity> {
    return changeFound(this.clients.findStored(clientId), clientNamed(clientId), async (client) => {
      if (!client.disabledAt) {
        const disabledAt = Date.now();
        client.disabledAt = disabledAt;
        await this.changed(client, 'disabled', actor, (tx) => this.cutoffs.cutOff(clientId, 'client_disabled', tx, disabledAt));
      }
      await this.grants.revokeAllOf({ clientId }, actor);
      return client;
    });
  }

  /**
   * Enabled again once the cutoff of its disabling is in the past (a few seconds at most): a
   * token issued in the cutoff's own second would be refused by every resource server.
   */
  enable(clientId: string, actor: EventActor): Promise<ClientEntity> {
    return changeFound(this.clients.findStored(clientId), clientNamed(clientId), async (client) => {
      if (!client.disabledAt) return client;
      await this.cutoffs.waitUntilPast(clientId);
      client.disabledAt = null;
      return this.changed(client, 'enabled', actor);
    });
  }

  rotateSecret(clientId: string, actor: EventActor): Promise<{ client: ClientEntity; clientSecret: string }> {
    return changeFound(this.clients.findStored(clientId), clientNamed(clientId), async (client) => {
      if (!usesClientSecret(client.tokenEndpointAuthMethod)) {
        throw new Conflict(`${clientNamed(clientId)} authenticates with ${client.tokenEndpointAuthMethod}: it has no secret`);
      }
      const clientSecret = generateSecret();
      client.secretHash = sha256Base64Url(clientSecret);
      client.secretExpiresAt = null;
      await this.changed(client, 'secret_rotated', actor);
      return { client, clientSecret };
    });
  }

  /** RFC 7592 §2.3 semantics: its grants, refresh and access tokens go with it (ClientDeletionRevoker). */
  async remove(clientId: string, actor: EventActor): Promise<void> {
    await this.get(clientId);
    await this.clients.remove(clientId);
    await this.audit.record({ type: EventType.ClientDeleted, subject: clientId, data: { client_id: clientId, actor } });
  }

  /** The change saved with its auth.client.updated event (and `alsoIn`, if given) in one transaction. */
  private async changed(client: ClientEntity, change: ClientChange, actor: EventActor, alsoIn?: (tx: EntityManager) => Promise<unknown>): Promise<ClientEntity> {
    await this.rows.manager.transaction(async (tx) => {
      await this.clients.save(client, tx);
      await this.audit.record({ type: EventType.ClientUpdated, subject: client.clientId, data: { client_id: client.clientId, change, actor }, manager: tx });
      await alsoIn?.(tx);
    });
    return client;
  }
}
