import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withRefusalReason } from '@portcullis/http';
import { isLoopbackRedirect, optionalParameter } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';
import { ClientEntity } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { ScopeDirectory } from '../../resources/scope-directory';
import { issuesRefreshToken } from '../../scopes/refresh-token-policy';
import { UsersService } from '../../users/users.service';
import { BROWSER_COOKIE, readCookie, secureCookies, SESSION_COOKIE, setCookie } from './browser-cookies';
import { InteractionEntity } from './interaction.entity';
import { InteractionService, NextStep } from './interaction.service';
import { FORM_LIMITS, PasswordSignIn } from './password-sign-in';
import { renderConsent } from './views/consent.view';
import { renderError } from './views/error.view';
import { renderLogin } from './views/login.view';
import { parseForm, seeOther, sendPage } from './views/page-reply';

/**
 * MCP 2026-07-28 security considerations, "Localhost Redirect URI Risks": any program on the
 * person's computer can listen on localhost and claim a self-described client's name, so an
 * application that only ever returns to localhost gets a warning (trusted clients excepted).
 */
function localhostOnlyWarning(client: ClientEntity): string | undefined {
  if (client.trusted || client.redirectUris.length === 0 || !client.redirectUris.every(isLoopbackRedirect)) return undefined;
  return 'This application returns to your own computer (localhost). Another program on this computer could use the same name: allow access only if you just started this application yourself.';
}

/** The login and consent forms, each field given at most once (RFC 6749 §3.1 applies by analogy). */
const loginFormSchema = z.object({ csrf_token: optionalParameter('csrf_token'), username: optionalParameter('username'), password: optionalParameter('password') });
const consentFormSchema = z.object({ csrf_token: optionalParameter('csrf_token'), decision: optionalParameter('decision') });

/**
 * The login and consent pages. Every POST must come from the browser that started the
 * interaction (binding cookie) and carry the interaction's CSRF token.
 */
@Controller('interaction')
export class InteractionController {
  constructor(
    private readonly interactions: InteractionService,
    private readonly signIn: PasswordSignIn,
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    private readonly scopes: ScopeDirectory,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Get(':id')
  async show(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const interaction = await this.interactions.load(id, readCookie(req, BROWSER_COOKIE));
    if (!interaction) return this.expired(reply);
    await this.respond(interaction, await this.interactions.next(interaction), reply);
  }

  @Post(':id/login')
  async login(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const interaction = await this.interactions.load(id, readCookie(req, BROWSER_COOKIE));
    if (!interaction) return this.expired(reply);
    const form = parseForm(req, loginFormSchema);
    if (!form || !this.interactions.checkCsrf(interaction, form.csrf_token)) return this.forbidden(reply);
    // PASSWORD_LOGIN=false: the page has no form, and a hand-made POST is refused the same way.
    if (!this.config.passwordLogin) return sendPage(withRefusalReason(reply, 'password_login_off'), 403, renderError('Password sign-in is off', 'Sign in with your organisation instead.', `${this.config.issuerUrl}/interaction/${interaction.id}`));
    const username = (form.username ?? '').trim();
    const outcome = await this.signIn.attempt({ username, password: form.password ?? '', address: req.ip, clientId: interaction.clientId });
    if (!outcome.ok) {
      if (outcome.waitSeconds > 0) reply.header('retry-after', String(outcome.waitSeconds));
      const page = await this.loginPage(interaction, username.slice(0, FORM_LIMITS.username), outcome.message);
      return sendPage(withRefusalReason(reply, outcome.reason), outcome.status, page, interaction.redirectUri);
    }
    setCookie(reply, SESSION_COOKIE, outcome.sessionId, this.secure, this.config.sessionTtl);
    await this.interactions.attachUser(interaction, outcome.userId);
    await this.respond(interaction, await this.interactions.next(interaction), reply, true);
  }

  @Post(':id/consent')
  async consent(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const interaction = await this.interactions.load(id, readCookie(req, BROWSER_COOKIE));
    if (!interaction || !interaction.userId) return this.expired(reply);
    const form = parseForm(req, consentFormSchema);
    if (!form || !this.interactions.checkCsrf(interaction, form.csrf_token)) return this.forbidden(reply);
    if (form.decision === 'approve') return seeOther(reply, await this.interactions.approve(interaction, true));
    if (form.decision === 'deny') return seeOther(reply, await this.interactions.deny(interaction));
    return sendPage(withRefusalReason(reply, 'invalid_request'), 400, renderError('Invalid request', 'Choose Allow or Deny.'));
  }

  private get secure(): boolean {
    return secureCookies(this.config.issuerUrl);
  }

  /** After a POST, the next page is reached by a 303 so a reload never re-submits the form. */
  private async respond(interaction: InteractionEntity, next: NextStep, reply: FastifyReply, afterPost = false): Promise<void> {
    if (next.kind === 'redirect') return seeOther(reply, next.url);
    if (afterPost) return seeOther(reply, `${this.config.issuerUrl}/interaction/${interaction.id}`);
    if (next.kind === 'login') return sendPage(reply, 200, await this.loginPage(interaction), interaction.redirectUri);
    const client = await this.clients.find(interaction.clientId);
    const user = await this.users.findById(interaction.userId as string);
    if (!client || !user) return this.expired(reply);
    sendPage(
      reply,
      200,
      renderConsent({
        action: `${this.config.issuerUrl}/interaction/${interaction.id}/consent`,
        csrfToken: interaction.csrfToken,
        clientName: client.clientName ?? client.clientId,
        clientId: client.clientId,
        redirectHost: new URL(interaction.redirectUri).host || interaction.redirectUri,
        resource: interaction.resource,
        scopes: interaction.scope.split(' ').filter(Boolean),
        alreadyGranted: await this.interactions.consentedScopes(interaction),
        username: user.username,
        refreshToken: issuesRefreshToken(client),
        warning: localhostOnlyWarning(client),
        findScope: (name) => this.scopes.find(name),
        accountUrl: `${this.config.issuerUrl}/account`,
      }),
      interaction.redirectUri,
    );
  }

  private async loginPage(interaction: InteractionEntity, username?: string, error?: string): Promise<string> {
    const client = await this.clients.find(interaction.clientId);
    return renderLogin({
      action: `${this.config.issuerUrl}/interaction/${interaction.id}/login`,
      csrfToken: interaction.csrfToken,
      clientName: client?.clientName ?? interaction.clientId,
      username,
      error,
      passwordForm: this.config.passwordLogin,
      providers: this.config.oidcConnections.map((c) => {
        const start = new URL(`${this.config.issuerUrl}/federation/${c.id}/start`);
        start.search = new URLSearchParams({ interaction: interaction.id, csrf_token: interaction.csrfToken }).toString();
        return { name: c.displayName, url: start.toString() };
      }),
    });
  }

  private expired(reply: FastifyReply): void {
    sendPage(withRefusalReason(reply, 'interaction_expired'), 400, renderError('Sign-in request expired', 'This sign-in request has expired or was started in another browser. Return to the application and try again.'));
  }

  private forbidden(reply: FastifyReply): void {
    sendPage(withRefusalReason(reply, 'csrf_mismatch'), 403, renderError('Request refused', 'The form could not be verified. Return to the application and try again.'));
  }
}
