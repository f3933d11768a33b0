import { Injectable } from '@nestjs/common';
import { ClientEntity } from '../client.entity';

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client_id
 * that is an https URL names a JSON document describing the client. PLACEHOLDER: the fetch
 * (with SSRF guard, size/time limits, HTTP caching) and validation are implemented here.
 */
@Injectable()
export class ClientMetadataDocumentResolver {
  /** True when the client_id is URL-shaped and so must be resolved by fetching it. */
  isMetadataDocumentId(clientId: string): boolean {
    return clientId.startsWith('https://') || clientId.startsWith('http://');
  }

  async resolve(_clientId: string): Promise<ClientEntity | undefined> {
    return undefined;
  }
}
