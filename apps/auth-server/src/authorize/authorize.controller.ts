import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HTML_SECURITY_HEADERS } from '@portcullis/http';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { EventType } from '@portcullis/contracts';
import { AuditTrail } from '../audit/audit-trail';
import { ensureBrowserId, readCookie, SESSION_COOKIE } from '../interaction/browser-cookies';
import { InteractionService } from '../interaction/interaction.service';
import { renderError } from '../interaction/views/error.view';
import { AuthorizationPageError } from './authorization-error-page.error';
import { AuthorizationRedirectError } from './authorization-redirect.error';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { authorizationResponseUrl } from './authorization-response';

/**
 * The authorization endpoint (OAuth 2.1 §4.1.1). A valid request becomes an interaction and
 * the browser is sent to its login/consent page; an invalid one is answered per
 * AuthorizationRequestValidator, on a page or by redirect with `state` and `iss`.
 */
@Controller()
export class AuthorizeController {
  constructor(
    private readonly validator: AuthorizationRequestValidator,
    private readonly interactions: InteractionService,
    private readonly audit: AuditTrail,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Get('authorize')
  async authorize(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const raw = (req.query ?? {}) as Record<string, unknown>;
    try {
      const request = await this.validator.validate(raw);
      const secure = this.config.ISSUER_URL.startsWith('https:');
      const browserId = ensureBrowserId(req, reply, secure);
      const sessionUser = await this.interactions.sessionUser(readCookie(req, SESSION_COOKIE));
      const interaction = await this.interactions.start(request, browserId, sessionUser);
      const next = await this.interactions.next(interaction);
      const target = next.kind === 'redirect' ? next.url : `${this.config.ISSUER_URL}/interaction/${interaction.id}`;
      reply.header('cache-control', 'no-store').redirect(target, 303);
    } catch (err) {
      if (err instanceof AuthorizationPageError) {
        await this.denied(raw, 'invalid_request', err.detail);
        reply.code(err.status).headers(HTML_SECURITY_HEADERS).type('text/html; charset=utf-8').send(renderError(err.title, err.detail));
        return;
      }
      if (err instanceof AuthorizationRedirectError) {
        await this.denied(raw, err.error, err.description, err.redirectUri);
        const url = authorizationResponseUrl(err.redirectUri, this.config.ISSUER_URL, {
          error: err.error,
          error_description: err.description,
          state: err.state,
        });
        reply.header('cache-control', 'no-store').redirect(url, 303);
        return;
      }
      throw err;
    }
  }

  private denied(raw: Record<string, unknown>, error: string, description: string, redirectUri?: string): Promise<void> {
    const clientId = typeof raw.client_id === 'string' && raw.client_id.length <= 2048 ? raw.client_id : undefined;
    return this.audit.record({
      type: EventType.AuthorizationDenied,
      data: {
        error,
        error_description: description.slice(0, 512),
        ...(clientId ? { client_id: clientId } : {}),
        ...(redirectUri ? { redirect_uri: redirectUri } : {}),
      },
    });
  }
}
