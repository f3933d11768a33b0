import { UnauthorizedClient } from '@portcullis/oauth';
import { ClientEntity } from '../clients/client.entity';

/**
 * RFC 6749 §5.2 `unauthorized_client`: "the authenticated client is not authorized to use
 * this authorization grant type". The token endpoint runs this for every grant before its
 * handler (as node-oidc-provider's check_client_grant_type does), so no grant can skip it:
 * a client may use exactly the grant_types it registered (RFC 7591 §2).
 */
export function checkClientGrantType(client: ClientEntity, grantType: string): void {
  if (!client.grantTypes.includes(grantType)) {
    throw new UnauthorizedClient(`this client is not registered for the ${grantType} grant`);
  }
}
