import { Controller, Get, Inject, Logger, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { htmlSecurityHeaders, withRefusalReason } from '@portcullis/http';
import { isLoopbackRedirect, optionalParameter, parseRequest, sha256Base64Url } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';
import { EventType } from '@portcullis/contracts';
import { AuditTrail } from '../../audit/audit-trail';
import { AuthMetrics } from '../../audit/auth-metrics';
import { RepeatedRejections } from '../../audit/repeated-rejections';
import { ClientEntity } from '../../clients/client.entity';
import { ClientsService } from '../../clients/clients.service';
import { ScopeDirectory } from '../../resources/scope-directory';
import { issuesRefreshToken } from '../../scopes/refresh-token-policy';
import { LoginThrottle } from '../../users/login-throttle';
import { UsersService } from '../../users/users.service';
import { BROWSER_COOKIE, readCookie, SESSION_COOKIE, setCookie } from './browser-cookies';
import { InteractionEntity } from './interaction.entity';
import { InteractionService, NextStep } from './interaction.service';
import { renderConsent } from './views/consent.view';
import { renderError } from './views/error.view';
import { renderLogin } from './views/login.view';

/**
 * MCP 2026-07-28 security considerations, "Localhost Redirect URI Risks": any program on the
 * person's computer can listen on localhost and claim a self-described client's name, so an
 * application that only ever returns to localhost gets a warning (trusted clients excepted).
 */
function localhostOnlyWarning(client: ClientEntity): string | undefined {
  if (client.trusted || client.redirectUris.length === 0 || !client.redirectUris.every(isLoopbackRedirect)) return undefined;
  return 'This application returns to your own computer (localhost). Another program on this computer could use the same name: allow access only if you just started this application yourself.';
}

type LoginFailureReason = 'unknown_user' | 'bad_password' | 'throttled' | 'malformed' | 'disabled';

/** Longest accepted form fields (characters); longer ones are refused before any work. */
export const FORM_LIMITS = { username: 256, password: 1024 } as const;

/** The login and consent forms, each field given at most once (RFC 6749 §3.1 applies by analogy). */
const loginFormSchema = z.object({ csrf_token: optionalParameter('csrf_token'), username: optionalParameter('username'), password: optionalParameter('password') });
const consentFormSchema = z.object({ csrf_token: optionalParameter('csrf_token'), decision: optionalParameter('decision') });

/** "30 seconds", "2 minutes": how long the person must wait, said plainly. */
function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * The login and consent pages. Every POST must come from the browser that started the
 * interaction (binding cookie) and carry the interaction's CSRF token.
 */
@Controller('interaction')
export class InteractionController {
  private readonly logger = new Logger('login');

  constructor(
    private readonly interactions: InteractionService,
    private readonly users: UsersService,
    private readonly clients: ClientsService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditTrail,
    private readonly rejections: RepeatedRejections,
    private readonly metrics: AuthMetrics,
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
    const form = this.form(req, loginFormSchema);
    if (!form || !this.interactions.checkCsrf(interaction, form.csrf_token)) return this.forbidden(reply);
    // PASSWORD_LOGIN=false: the page has no form, and a hand-made POST is refused the same way.
    if (!this.config.passwordLogin) return this.page(withRefusalReason(reply, 'password_login_off'), 403, renderError('Password sign-in is off', 'Sign in with your organisation instead.', `${this.config.issuerUrl}/interaction/${interaction.id}`));
    const username = (form.username ?? '').trim();
    const password = form.password ?? '';
    const address = req.ip;
    const fail = async (status: number, reason: LoginFailureReason, message: string, waitSeconds = 0) => {
      await this.loginFailed(interaction, username, reason, address);
      if (waitSeconds > 0) reply.header('retry-after', String(waitSeconds));
      return this.page(withRefusalReason(reply, reason), status, await this.loginPage(interaction, username.slice(0, FORM_LIMITS.username), message), interaction.redirectUri);
    };
    if (username.length > FORM_LIMITS.username || password.length > FORM_LIMITS.password) {
      return fail(400, 'malformed', `The username (at most ${FORM_LIMITS.username} characters) or the password (at most ${FORM_LIMITS.password}) is too long.`);
    }
    // Checked before the password, whether or not the account exists (no account enumeration).
    const wait = await this.throttle.waitSeconds(username, address);
    if (wait > 0) return fail(429, 'throttled', `Too many failed attempts. Wait ${duration(wait)} and try again.`, wait);
    const result = await this.users.login(username, password);
    if (!result.ok && result.reason === 'disabled') return fail(403, 'disabled', 'This account is disabled. Ask your administrator.');
    if (!result.ok) {
      await this.throttle.recordFailure(username, address);
      const next = await this.throttle.waitSeconds(username, address);
      // The same message for an unknown user and a wrong password.
      const message = next > 0 ? `Wrong username or password. Wait ${duration(next)} before trying again.` : 'Wrong username or password.';
      return fail(401, result.reason, message, next);
    }
    await this.throttle.recordSuccess(username, address);
    await this.audit.record({
      type: EventType.LoginSucceeded,
      subject: result.user.id,
      data: { subject: result.user.id, username: result.user.username, client_id: interaction.clientId },
    });
    const sessionId = await this.interactions.createSession(result.user.id);
    setCookie(reply, SESSION_COOKIE, sessionId, this.secure, this.config.sessionTtl);
    await this.interactions.attachUser(interaction, result.user.id);
    await this.respond(interaction, await this.interactions.next(interaction), reply, true);
  }

  @Post(':id/consent')
  async consent(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const interaction = await this.interactions.load(id, readCookie(req, BROWSER_COOKIE));
    if (!interaction || !interaction.userId) return this.expired(reply);
    const form = this.form(req, consentFormSchema);
    if (!form || !this.interactions.checkCsrf(interaction, form.csrf_token)) return this.forbidden(reply);
    if (form.decision === 'approve') return this.redirect(reply, await this.interactions.approve(interaction, true));
    if (form.decision === 'deny') return this.redirect(reply, await this.interactions.deny(interaction));
    return this.page(withRefusalReason(reply, 'invalid_request'), 400, renderError('Invalid request', 'Choose Allow or Deny.'));
  }

  /** The audit event (fine reason) and a log line (coarse reason, the username as a digest). */
  private async loginFailed(interaction: InteractionEntity, username: string, reason: LoginFailureReason, address: string): Promise<void> {
    // A username field sometimes holds a mistyped password: logs name it by digest only.
    const code = reason === 'unknown_user' || reason === 'bad_password' ? 'bad_credentials' : reason;
    this.metrics.loginFailed('password', reason);
    this.logger.warn(`login failed: ${code} (username sha256 ${sha256Base64Url(username).slice(0, 12)}, client ${interaction.clientId.slice(0, 255)})`);
    // Repeats (a throttled guesser keeps posting) are aggregated: audit/repeated-rejections.ts.
    await this.rejections.record(
      { reason, names: `${interaction.clientId}\n${username}`, address },
      { type: EventType.LoginFailed, data: { username: username.slice(0, FORM_LIMITS.username), reason, client_id: interaction.clientId } },
    );
  }

  private get secure(): boolean {
    return this.config.issuerUrl.startsWith('https:');
  }

  private form<T>(req: FastifyRequest, schema: z.ZodType<T>): T | undefined {
    try {
      return parseRequest(schema, req.body ?? {}, { fallback: 'invalid_request' });
    } catch {
      return undefined;
    }
  }

  /** After a POST, the next page is reached by a 303 so a reload never re-submits the form. */
  private async respond(interaction: InteractionEntity, next: NextStep, reply: FastifyReply, afterPost = false): Promise<void> {
    if (next.kind === 'redirect') return this.redirect(reply, next.url);
    if (afterPost) return this.redirect(reply, `${this.config.issuerUrl}/interaction/${interaction.id}`);
    if (next.kind === 'login') return this.page(reply, 200, await this.loginPage(interaction), interaction.redirectUri);
    const client = await this.clients.find(interaction.clientId);
    const user = await this.users.findById(interaction.userId as string);
    if (!client || !user) return this.expired(reply);
    this.page(
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

  /** `formTarget`: the client redirect URI a form on this page may end at (CSP form-action). */
  private page(reply: FastifyReply, status: number, html: string, formTarget?: string): void {
    reply
      .code(status)
      .headers(htmlSecurityHeaders(formTarget ? [formTarget] : []))
      .type('text/html; charset=utf-8')
      .send(html);
  }

  private redirect(reply: FastifyReply, url: string): void {
    reply.header('cache-control', 'no-store').redirect(url, 303);
  }

  private expired(reply: FastifyReply): void {
    this.page(withRefusalReason(reply, 'interaction_expired'), 400, renderError('Sign-in request expired', 'This sign-in request has expired or was started in another browser. Return to the application and try again.'));
  }

  private forbidden(reply: FastifyReply): void {
    this.page(withRefusalReason(reply, 'csrf_mismatch'), 403, renderError('Request refused', 'The form could not be verified. Return to the application and try again.'));
  }
}
