import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseRequest, TOKEN_REFERENCE_ERRORS, tokenReferenceRequestSchema, UnauthorizedClient } from '@portcullis/oauth';
import { noteClientId, requireFormBody } from '@portcullis/http';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { OwnTokenInspector } from '../token/own-token.inspector';
import { TokenStore } from '../token/stores/token-store';

/**
 * Token revocation (RFC 7009). A refresh token revokes its whole family (grant, refresh
 * tokens, access tokens); an access token is revoked by `jti` and remembered until it
 * expires. Unknown or already invalid tokens get 200 (§2.2): the client's goal is met.
 */
@Controller()
export class RevocationController {
  constructor(
    private readonly clientAuth: ClientAuthenticator,
    private readonly inspector: OwnTokenInspector,
    private readonly tokens: TokenStore,
  ) {}

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    reply.header('cache-control', 'no-store');
    requireFormBody(req);
    const client = await this.clientAuth.authenticate({
      authorization: req.headers.authorization,
      body: req.body,
    });
    noteClientId(req, client.clientId);
    const { token, token_type_hint: hint } = parseRequest(tokenReferenceRequestSchema, req.body, TOKEN_REFERENCE_ERRORS);
    const found = await this.inspector.inspect(token, hint);
    if (!found) return;
    if (found.kind === 'access_token') {
      // §2.1: the token must have been issued to the client asking.
      if (found.claims.client_id !== client.clientId) throw new UnauthorizedClient('the token was not issued to this client');
      if (!found.active) return;
      const expiresAt = (found.claims.exp ?? 0) * 1000;
      await this.tokens.revokeAccessToken({ jti: found.claims.jti, clientId: client.clientId, expiresAt, subject: found.claims.sub });
      return;
    }
    if (found.grant.clientId !== client.clientId) throw new UnauthorizedClient('the token was not issued to this client');
    if (found.grant.revokedAt) return;
    await this.tokens.revokeGrant(found.grant.id, { clientId: client.clientId, subject: found.grant.userId, reason: 'client_request' });
  }
}
