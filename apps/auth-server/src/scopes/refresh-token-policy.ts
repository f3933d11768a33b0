import { ClientEntity } from '../clients/client.entity';

/**
 * The one rule for whether the people's flow ends with a refresh token. The consent page
 * tells the person so by this rule, and the code exchange issues one by the same rule, so
 * the page and the token response can never disagree.
 *
 * A refresh token is issued exactly when the client is registered for the `refresh_token`
 * grant (RFC 7591 §2 `grant_types`): that is the only client that may ever use one (RFC 6749
 * §5.2 `unauthorized_client` otherwise). `offline_access` asked by any other client is dropped
 * from the granted scope (scope-policy.ts), as OpenID Connect Core §11 ignores it when it
 * cannot be honoured.
 */
export function issuesRefreshToken(client: Pick<ClientEntity, 'grantTypes'>): boolean {
  return client.grantTypes.includes('refresh_token');
}
