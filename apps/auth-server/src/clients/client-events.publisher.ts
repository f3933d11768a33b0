import { Injectable } from '@nestjs/common';
import { EventType } from '@portcullis/contracts';
import { OAuthError, parseScope } from '@portcullis/oauth';
import { AuditTrail } from '../audit/audit-trail';
import { ClientEntity } from './client.entity';

/** How a client came to exist, as the event contract names it (auth.client.registered). */
export type RegistrationChannel = 'dynamic' | 'cli' | 'metadata_document' | 'static' | 'admin';

/**
 * Client lifecycle events (libs/contracts, clientRegisteredData and
 * clientRegistrationRejectedData). They describe the client; a client secret or
 * registration access token never appears in them.
 */
@Injectable()
export class ClientEventsPublisher {
  constructor(private readonly audit: AuditTrail) {}

  async registered(client: ClientEntity, registration: RegistrationChannel): Promise<void> {
    await this.audit.record({
      type: EventType.ClientRegistered,
      subject: client.clientId,
      data: {
        client_id: client.clientId,
        ...(client.clientName !== null ? { client_name: client.clientName } : {}),
        registration,
        trusted: client.trusted,
        grant_types: client.grantTypes,
        redirect_uris: client.redirectUris,
        token_endpoint_auth_method: client.tokenEndpointAuthMethod,
        ...(client.scope !== null ? { scopes: parseScope(client.scope) ?? [] } : {}),
      },
    });
  }

  async rejected(error: OAuthError, context: { clientName?: unknown; clientId?: string } = {}): Promise<void> {
    const clientName = typeof context.clientName === 'string' ? context.clientName.slice(0, 256) : undefined;
    await this.audit.record({
      type: EventType.ClientRegistrationRejected,
      ...(context.clientId ? { subject: context.clientId } : {}),
      data: {
        error: error.error,
        error_description: error.description.slice(0, 512),
        ...(clientName ? { client_name: clientName } : {}),
        ...(context.clientId ? { client_id: context.clientId } : {}),
      },
    });
  }
}
