import { Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError, parseRequest, UnsupportedGrantType } from '@portcullis/oauth';
import { noteClientId, requireFormBody } from '@portcullis/http';
import { AuthMetrics } from '../audit/auth-metrics';
import { ClientAuthenticator } from '../clients/client-authenticator';
import { checkClientGrantType } from './client-grant-type.check';
import { GRANT_HANDLERS, GrantHandler } from './grant-types/grant-handler';
import { TokenEventsPublisher } from './token-events.publisher';
import { grantTypeRequestSchema, TOKEN_REQUEST_ERRORS } from './token-request.schemas';

/**
 * The token endpoint (OAuth 2.1 §3.2): form-encoded POST, client authentication (or, for a
 * workload assertion, the client its grant identifies), the check
 * that the client registered the `grant_type`, then the handler for it. Responses are never cached (RFC 6749 §5.1).
 */
@Controller()
export class TokenController {
  private readonly handlers: Map<string, GrantHandler>;

  constructor(
    private readonly clientAuth: ClientAuthenticator,
    @Inject(GRANT_HANDLERS) handlers: GrantHandler[],
    private readonly events: TokenEventsPublisher,
    private readonly metrics: AuthMetrics,
  ) {
    this.handlers = new Map(handlers.map((h) => [h.grantType, h]));
  }

  @Post('token')
  @HttpCode(200)
  async token(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    let grantType: string | undefined;
    let clientId: string | undefined;
    try {
      requireFormBody(req);
      // Read before the client authenticates, so a refusal names the grant type as given.
      grantType = parseRequest(grantTypeRequestSchema, req.body, TOKEN_REQUEST_ERRORS).grant_type;
      const handler = this.handlers.get(grantType);
      if (!handler) throw new UnsupportedGrantType(`grant_type '${grantType}' is not supported`);
      // A workload's assertion identifies its client (MCP WIF); every other request authenticates one.
      const byGrant = await handler.identifyClient?.(req.body, req.headers.authorization);
      const client = byGrant?.client ?? (await this.clientAuth.authenticate({ authorization: req.headers.authorization, body: req.body }));
      noteClientId(req, client.clientId);
      clientId = client.clientId;
      checkClientGrantType(client, grantType);
      const request = byGrant?.request ?? parseRequest(handler.requestSchema, req.body, TOKEN_REQUEST_ERRORS);
      const issued = await handler.handle(client, request);
      this.metrics.tokenRequest(grantType, this.handlers, 'issued');
      return issued;
    } catch (err) {
      this.metrics.tokenRequest(grantType, this.handlers, err instanceof OAuthError ? err.error : 'server_error');
      if (err instanceof OAuthError && err.status < 500) {
        await this.events.tokenRejected(err.error, err.description, grantType, clientId);
      }
      throw err;
    }
  }
}
