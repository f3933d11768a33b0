import { ClientEntity } from '../clients/client.entity';

/**
 * RFC 8252 §8.6: the authorization server should not process an authorization request
 * automatically (remembered consent, `prompt=none`) unless the identity of the client can be
 * assured; otherwise every request is handled as if nothing had been approved before.
 *
 * The identity is assured when:
 * - the client is trusted (pre-registered, or registered with the initial access token), or
 * - it authenticates at the token endpoint (a confidential client: another program holding
 *   the same `client_id` cannot redeem the code), or
 * - the code can only return to an https redirect URI, whose host the client controls.
 *
 * A public client returning to any other URI — a loopback address on any port (RFC 8252
 * §7.3) or a private-use scheme (§7.1) — can be impersonated by any program on the person's
 * computer, so its identity is never assured.
 */
export function isClientIdentityAssured(client: Pick<ClientEntity, 'trusted' | 'tokenEndpointAuthMethod'>, redirectUri: string): boolean {
  if (client.trusted) return true;
  if (client.tokenEndpointAuthMethod !== 'none') return true;
  return redirectUri.startsWith('https://');
}
