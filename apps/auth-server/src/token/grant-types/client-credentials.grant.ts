import { Injectable } from '@nestjs/common';
import { parseScope, UnauthorizedClient } from '@portcullis/oauth';
import { ClientEntity } from '../../clients/client.entity';
import { ResourceRegistry } from '../../resources/resource-registry';
import { resolveRequestedScopes } from '../../scopes/scope-policy';
import { AccessTokenIssuer } from '../access-token.issuer';
import { TokenEventsPublisher } from '../token-events.publisher';
import { ClientCredentialsRequest, clientCredentialsRequestSchema } from '../token-request.schemas';
import { GrantHandler, TokenResponse } from './grant-handler';

/**
 * The client credentials grant (OAuth 2.1 §4.2): machine-to-machine, for confidential and
 * trusted clients only, limited to the scopes the client may hold. No refresh token
 * (RFC 6749 §4.4.3). The subject is the client itself.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler<ClientCredentialsRequest> {
  readonly grantType = 'client_credentials';
  readonly requestSchema = clientCredentialsRequestSchema;

  constructor(
    private readonly resources: ResourceRegistry,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly events: TokenEventsPublisher,
  ) {}

  async handle(client: ClientEntity, params: ClientCredentialsRequest): Promise<TokenResponse> {
    if (client.tokenEndpointAuthMethod === 'none') {
      throw new UnauthorizedClient('client_credentials requires a confidential client');
    }
    // Beyond the registered grant type (checked by the token endpoint): only trusted clients.
    if (!client.trusted) {
      throw new UnauthorizedClient('this client is not allowed the client_credentials grant');
    }
    const resource = this.resources.resolve(params.resource);
    const scopes = resolveRequestedScopes(params.scope, client, resource, 'client_credentials');
    const access = await this.accessTokens.issue({ subject: client.clientId, clientId: client.clientId, resource: resource.identifier, scopes });
    await this.events.tokenIssuedUnstored({
      grantType: this.grantType,
      clientId: client.clientId,
      subject: client.clientId,
      resource: resource.identifier,
      scopes: parseScope(access.scope) ?? [],
      jti: access.jti,
      expiresAt: access.expiresAt,
    });
    return { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: access.scope };
  }
}
