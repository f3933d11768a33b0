import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { withRefusalReason } from '@portcullis/http';
import { EventType } from '@portcullis/contracts';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { AuditTrail } from '../audit/audit-trail';
import { AuthMetrics } from '../audit/auth-metrics';
import { RepeatedRejections } from '../audit/repeated-rejections';
import { BROWSER_COOKIE, readCookie, secureCookies, SESSION_COOKIE, setCookie } from '../authorize/interaction/browser-cookies';
import { InteractionService } from '../authorize/interaction/interaction.service';
import { renderError } from '../authorize/interaction/views/error.view';
import { seeOther, sendPage } from '../authorize/interaction/views/page-reply';
import { FAILURE_PAGES, FederatedLoginFailure } from './federated-login-failure';
import { FederatedLoginService } from './federated-login.service';
import { UpstreamProviders } from './upstream-providers';

/**
 * "Continue with <provider>": the trip from our login page to an upstream OpenID Provider and
 * back. The start is a plain link (no form: the CSP's form-action would refuse the redirect to
 * the provider) carrying the interaction's CSRF token, so no other site can start it.
 */
@Controller('federation')
export class FederationController {
  constructor(
    private readonly federation: FederatedLoginService,
    private readonly providers: UpstreamProviders,
    private readonly interactions: InteractionService,
    private readonly audit: AuditTrail,
    private readonly rejections: RepeatedRejections,
    private readonly metrics: AuthMetrics,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Get(':connection/start')
  async start(
    @Param('connection') connectionId: string,
    @Query('interaction') interactionId: unknown,
    @Query('csrf_token') csrfToken: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const connection = this.providers.connection(connectionId);
    if (!connection) return sendPage(withRefusalReason(reply, 'unknown_connection'), 404, renderError('Unknown sign-in provider', 'This sign-in provider is not configured here.'));
    const browserId = readCookie(req, BROWSER_COOKIE);
    const interaction = typeof interactionId === 'string' ? await this.interactions.load(interactionId, browserId) : undefined;
    if (!interaction || !browserId) return sendPage(withRefusalReason(reply, 'interaction_expired'), 400, renderError(FAILURE_PAGES.interaction_expired.title, FAILURE_PAGES.interaction_expired.detail));
    if (!this.interactions.checkCsrf(interaction, csrfToken)) {
      return sendPage(withRefusalReason(reply, 'csrf_mismatch'), 403, renderError('Request refused', 'The link could not be verified. Return to the application and try again.'));
    }
    try {
      return seeOther(reply, await this.federation.start(connection, interaction, browserId));
    } catch (err) {
      if (err instanceof FederatedLoginFailure) return this.refuse(req, reply, connection.id, err);
      throw err;
    }
  }

  /** The redirect URI registered upstream: /federation/<connection>/callback. */
  @Get(':connection/callback')
  async callback(@Param('connection') connectionId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const connection = this.providers.connection(connectionId);
    if (!connection) return sendPage(withRefusalReason(reply, 'unknown_connection'), 404, renderError('Unknown sign-in provider', 'This sign-in provider is not configured here.'));
    const url = new URL(req.url, this.config.issuerUrl);
    try {
      const { interaction, user, created } = await this.federation.finish(connection, url, readCookie(req, BROWSER_COOKIE));
      if (user.disabledAt) throw new FederatedLoginFailure('account_disabled', undefined, interaction.id, interaction.clientId);
      // Which connection vouched, and for whom; never the code, ID token or access token.
      await this.audit.record({
        type: EventType.LoginSucceeded,
        subject: user.id,
        data: { subject: user.id, username: user.username, client_id: interaction.clientId, connection_id: connection.id, provisioned: created },
      });
      const sessionId = await this.interactions.createSession(user.id);
      setCookie(reply, SESSION_COOKIE, sessionId, secureCookies(this.config.issuerUrl), this.config.sessionTtl);
      await this.interactions.attachUser(interaction, user.id);
      // On to consent (or straight back to the client), exactly as after a password login.
      return seeOther(reply, `${this.config.issuerUrl}/interaction/${interaction.id}`);
    } catch (err) {
      if (err instanceof FederatedLoginFailure) return this.refuse(req, reply, connection.id, err);
      throw err;
    }
  }

  /** Anyone can send a callback: repeats are aggregated like other unauthenticated rejections. */
  private async refuse(req: FastifyRequest, reply: FastifyReply, connectionId: string, failure: FederatedLoginFailure): Promise<void> {
    const clientId = failure.clientId;
    this.metrics.loginFailed('federated', failure.reason);
    const key = { reason: `${failure.reason}\n${failure.upstreamError ?? ''}`, names: `${connectionId}\n${clientId ?? ''}`, address: req.ip };
    await this.rejections.record(key, {
      type: EventType.FederatedLoginFailed,
      data: {
        connection_id: connectionId,
        reason: failure.reason,
        ...(failure.upstreamError ? { error: failure.upstreamError } : {}),
        ...(clientId ? { client_id: clientId } : {}),
      },
    });
    const page = FAILURE_PAGES[failure.reason];
    const retry = failure.interactionId ? `${this.config.issuerUrl}/interaction/${failure.interactionId}` : undefined;
    sendPage(withRefusalReason(reply, failure.reason), page.status, renderError(page.title, page.detail, retry));
  }
}
