import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service';
import { GrantsService } from './grants.service';
import { TokenEventsPublisher } from './token-events.publisher';

/**
 * When a client is deleted (RFC 7592 §2.3), every grant it holds is revoked with its refresh
 * tokens and access tokens, and resource servers are told (auth.token.revoked, reason
 * `client_deleted`). Access tokens from client_credentials are not stored and live out their
 * short lifetime.
 */
@Injectable()
export class ClientDeletionRevoker implements OnModuleInit {
  constructor(
    private readonly clients: ClientsService,
    private readonly grants: GrantsService,
    private readonly events: TokenEventsPublisher,
  ) {}

  onModuleInit(): void {
    this.clients.onRemove((clientId) => this.revokeAll(clientId));
  }

  async revokeAll(clientId: string): Promise<void> {
    for (const grant of await this.grants.liveGrantsOf(clientId)) {
      await this.grants.revokeFamily(grant.id, this.events.familyRevoked(clientId, grant.userId, 'client_deleted'));
    }
  }
}
