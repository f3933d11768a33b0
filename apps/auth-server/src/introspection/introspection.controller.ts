import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatScope, InvalidClient, InvalidRequest } from '@portcullis/oauth';
import { singleParams } from '@portcullis/http';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { requireFormBody } from '../token/form-content-type';
import { OwnTokenInspector } from '../token/own-token.inspector';
import { TokenEventsPublisher } from '../token/token-events.publisher';

/**
 * Token introspection (RFC 7662) for resource servers. The caller must authenticate as a
 * confidential client (§2.1). A trusted client (a resource server) may introspect any token;
 * any other client only its own. Everything else is `{ "active": false }` (§2.2), which
 * reveals nothing about why.
 */
@Controller()
export class IntrospectionController {
  constructor(
    private readonly clientAuth: ClientAuthenticator,
    private readonly inspector: OwnTokenInspector,
    private readonly events: TokenEventsPublisher,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Post('introspect')
  @HttpCode(200)
  async introspect(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('cache-control', 'no-store');
    requireFormBody(req);
    const client = await this.clientAuth.authenticate({
      authorization: req.headers.authorization,
      body: req.body,
    });
    if (client.tokenEndpointAuthMethod === 'none') throw new InvalidClient('introspection requires client authentication');
    const { token, token_type_hint: hint } = singleParams(req.body, ['token', 'token_type_hint']);
    if (!token) throw new InvalidRequest("missing required parameter 'token'");

    const found = await this.inspector.inspect(token, hint);
    const owner = found?.kind === 'access_token' ? found.claims.client_id : found?.grant.clientId;
    const visible = found && found.active && (client.trusted || owner === client.clientId);
    await this.events.introspected(client.clientId, !!visible, found?.kind === 'access_token' ? found.claims.jti : undefined, owner);
    if (!found || !visible) return { active: false };
    if (found.kind === 'access_token') {
      const c = found.claims;
      return {
        active: true,
        token_type: 'Bearer',
        scope: c.scope ?? '',
        client_id: c.client_id,
        sub: c.sub,
        aud: c.aud,
        iss: c.iss,
        exp: c.exp,
        iat: c.iat,
        jti: c.jti,
      };
    }
    return {
      active: true,
      token_type: 'refresh_token',
      scope: formatScope(OwnTokenInspector.scopes(found)),
      client_id: found.grant.clientId,
      sub: found.grant.userId,
      aud: found.grant.resource,
      iss: this.config.ISSUER_URL,
      exp: Math.floor(found.row.expiresAt / 1000),
    };
  }
}
