import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { InvalidRequest, UnsupportedGrantType } from '@portcullis/oauth';
import { singleParams } from '@portcullis/http';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { GRANT_HANDLERS, GrantHandler } from './grants/grant-handler';
import { requireFormBody } from './form-content-type';

/**
 * The token endpoint (OAuth 2.1 §3.2): form-encoded POST, client authentication, then the
 * handler for the `grant_type`. Responses are never cached (RFC 6749 §5.1).
 */
@Controller()
export class TokenController {
  private readonly handlers: Map<string, GrantHandler>;

  constructor(
    private readonly clientAuth: ClientAuthenticator,
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {
    this.handlers = new Map(handlers.map((h) => [h.grantType, h]));
  }

  @Post('token')
  @HttpCode(200)
  async token(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    requireFormBody(req);
    const { grant_type: grantType } = singleParams(req.body, ['grant_type']);
    if (!grantType) throw new InvalidRequest("missing required parameter 'grant_type'");
    const handler = this.handlers.get(grantType);
    if (!handler) throw new UnsupportedGrantType(`grant_type '${grantType}' is not supported`);
    const client = await this.clientAuth.authenticate({
      authorization: req.headers.authorization,
      body: req.body,
      endpointUrl: `${this.config.ISSUER_URL}/token`,
    });
    return handler.handle(client, req.body as Record<string, unknown>);
  }
}
