import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { canonicalResource, InvalidClient, OAuthError, parseRequest, TOKEN_REFERENCE_ERRORS, tokenReferenceRequestSchema } from '@portcullis/oauth';
import { noteClientId, requireFormBody } from '@portcullis/http';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { OwnTokenInspector } from '../token/own-token.inspector';
import { TokenEventsPublisher } from '../token/token-events.publisher';

/**
 * Token introspection (RFC 7662), for resource servers only (§4: the server "SHOULD require
 * protected resources to be specifically authorized to call the introspection endpoint").
 * The caller authenticates as a confidential client (§2.1) that the operator designated the
 * resource server of one resource (`resource_server`); any other client is refused. A
 * resource server learns about access tokens for its own resource only: tokens for another
 * audience, refresh tokens (never sent to a resource) and anything unknown or invalid are
 * `{ "active": false }` (§2.2), which reveals nothing about why.
 *
 * Refusing another client is 403, not 401: its credentials are valid, so 401 (RFC 7235
 * §3.1, "lacks valid authentication credentials") would send it looking for a credential
 * problem it does not have. §2.3 answers an authenticated caller without sufficient
 * privileges with 403; `unauthorized_client` is the RFC 6749 §5.2 code for an authenticated
 * client that is not authorized to do what it asked.
 */
@Controller()
export class IntrospectionController {
  constructor(
    private readonly clientAuth: ClientAuthenticator,
    private readonly inspector: OwnTokenInspector,
    private readonly events: TokenEventsPublisher,
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
    noteClientId(req, client.clientId);
    if (client.tokenEndpointAuthMethod === 'none') throw new InvalidClient('introspection requires client authentication');
    if (!client.resourceServer) throw new OAuthError('unauthorized_client', 'only resource servers may introspect tokens', 403);
    const { token, token_type_hint: hint } = parseRequest(tokenReferenceRequestSchema, req.body, TOKEN_REFERENCE_ERRORS);

    const found = await this.inspector.inspect(token, hint);
    const owner = found?.kind === 'access_token' ? found.claims.client_id : found?.grant.clientId;
    const visible = found?.kind === 'access_token' && found.active && audienceIs(found.claims.aud, client.resourceServer);
    await this.events.introspected(client.clientId, visible, found?.kind === 'access_token' ? found.claims.jti : undefined, owner);
    if (!visible) return { active: false };
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
}

/** RFC 9068 §3: `aud` names the resource; a Portcullis token has exactly one (RFC 8707). */
function audienceIs(aud: string | string[] | undefined, resource: string): boolean {
  const audiences = Array.isArray(aud) ? aud : [aud];
  return audiences.some((a) => a !== undefined && canonicalResource(a) === resource);
}
