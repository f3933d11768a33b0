import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClientsService } from '../clients/clients.service';
import { ClientTokenCutoffs } from './client-token-cutoffs';
import { TokenStore } from './stores/token-store';

/**
 * When a client is deleted (RFC 7592 §2.3), every grant it holds is revoked with its refresh
 * tokens and access tokens, and resource servers are told (auth.token.revoked, reason
 * `client_deleted`). Access tokens that were never recorded (client_credentials) die by the
 * client's cutoff: every token of it issued until now is revoked (client-token-cutoffs.ts).
 */
@Injectable()
export class ClientDeletionRevoker implements OnModuleInit {
  constructor(
    private readonly clients: ClientsService,
    private readonly tokens: TokenStore,
    private readonly cutoffs: ClientTokenCutoffs,
  ) {}

  onModuleInit(): void {
    this.clients.onRemove(async (clientId) => {
      await this.tokens.revokeGrantsOfClient(clientId);
      await this.cutoffs.cutOff(clientId, 'client_deleted');
    });
  }
}
