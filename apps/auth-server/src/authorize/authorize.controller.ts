import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { withRefusalReason } from '@portcullis/http';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { EventType } from '@portcullis/contracts';
import { AuthMetrics } from '../audit/auth-metrics';
import { RepeatedRejections } from '../audit/repeated-rejections';
import { ensureBrowserId, readCookie, secureCookies, SESSION_COOKIE } from './interaction/browser-cookies';
import { InteractionService } from './interaction/interaction.service';
import { renderError } from './interaction/views/error.view';
import { seeOther, sendPage } from './interaction/views/page-reply';
import { AuthorizationPageError } from './authorization-error-page.error';
import { AuthorizationRedirectError } from './authorization-redirect.error';
import { givenClientId } from './authorization-request.schema';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { AUTHORIZATION_PARAMETER_LIMITS } from './authorization-parameter-limits';
import { authorizationResponseUrl } from '@portcullis/oauth';

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
    private readonly rejections: RepeatedRejections,
    private readonly metrics: AuthMetrics,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Get('authorize')
  async authorize(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const raw = (req.query ?? {}) as Record<string, unknown>;
    try {
      const request = await this.validator.validate(raw);
      const browserId = ensureBrowserId(req, reply, secureCookies(this.config.issuerUrl));
      const sessionUser = await this.interactions.sessionUser(readCookie(req, SESSION_COOKIE));
      const interaction = await this.interactions.start(request, browserId, sessionUser);
      const next = await this.interactions.next(interaction);
      const target = next.kind === 'redirect' ? next.url : `${this.config.issuerUrl}/interaction/${interaction.id}`;
      seeOther(reply, target);
    } catch (err) {
      if (err instanceof AuthorizationPageError) {
        await this.denied(req, 'invalid_request', err.detail);
        // RFC 6749 §4.1.2.1: no redirect to an unverified redirect_uri; the page is the answer.
        sendPage(withRefusalReason(reply, 'invalid_request'), err.status, renderError(err.title, err.detail));
        return;
      }
      if (err instanceof AuthorizationRedirectError) {
        await this.denied(req, err.error, err.description, err.redirectUri);
        const url = authorizationResponseUrl(err.redirectUri, this.config.issuerUrl, {
          error: err.error,
          error_description: err.description,
          state: err.state,
        });
        seeOther(reply, url);
        return;
      }
      throw err;
    }
  }

  /** Anyone can repeat a refused request at will: identical ones are aggregated (audit/repeated-rejections.ts). */
  private denied(req: FastifyRequest, error: string, description: string, redirectUri?: string): Promise<void> {
    const raw = (req.query ?? {}) as Record<string, unknown>;
    const given = givenClientId.parse(raw.client_id);
    // An over-long client_id is not recorded; its digest still tells repeats apart.
    const clientId = given && given.length <= AUTHORIZATION_PARAMETER_LIMITS.client_id ? given : undefined;
    const errorDescription = description.slice(0, 512);
    this.metrics.authorizationDenied(error);
    return this.rejections.record(
      { reason: `${error}\n${errorDescription}`, names: given, address: req.ip },
      {
        type: EventType.AuthorizationDenied,
        data: {
          error,
          error_description: errorDescription,
          ...(clientId ? { client_id: clientId } : {}),
          ...(redirectUri ? { redirect_uri: redirectUri } : {}),
        },
      },
    );
  }
}
