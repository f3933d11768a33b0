import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service';
import { TokenStore } from './stores/token-store';

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
    private readonly tokens: TokenStore,
  ) {}

  onModuleInit(): void {
    this.clients.onRemove((clientId) => this.tokens.revokeGrantsOfClient(clientId));
  }
}
