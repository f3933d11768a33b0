import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { withRefusalReason } from '@portcullis/http';
import { optionalParameter } from '@portcullis/oauth';
import { BROWSER_COOKIE, ensureBrowserId, readCookie, secureCookies, SESSION_COOKIE, setCookie } from '../authorize/interaction/browser-cookies';
import { InteractionService } from '../authorize/interaction/interaction.service';
import { FORM_LIMITS, PasswordSignIn } from '../authorize/interaction/password-sign-in';
import { renderAccount, renderAccountMessage, renderRevokeConfirmation } from '../authorize/interaction/views/account.view';
import { renderLogin } from '../authorize/interaction/views/login.view';
import { parseForm, seeOther, sendPage } from '../authorize/interaction/views/page-reply';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { GrantsService } from '../grants/grants.service';
import { UsersService } from '../users/users.service';
import { accountFormToken, accountSignInToken, tokenMatches } from './account-forms';

/** Each field at most once, as the login and consent forms. */
const signInForm = z.object({ csrf_token: optionalParameter('csrf_token'), username: optionalParameter('username'), password: optionalParameter('password') });
const accountForm = z.object({ csrf_token: optionalParameter('csrf_token'), confirm: optionalParameter('confirm') });

/** Who is signed in on this browser: the session id (for its form token), the person's id and name. */
interface SignedIn {
  sessionId: string;
  userId: string;
  username: string;
}

/**
 * The account page (`/account`): for every person, signed in with the same login session as
 * the authorization pages. It lists the applications they connected (GrantsService) with a
 * Revoke per row (a confirmation, then the revocation pushed to every resource server), and
 * signs out. Server-rendered with the login pages' views and headers: no script, strict CSP
 * (form-action 'self'). Signing in here always comes back to /account — there is no return
 * address parameter, so no open redirect.
 */
@Controller('account')
export class AccountController {
  constructor(
    private readonly interactions: InteractionService,
    private readonly signIn: PasswordSignIn,
    private readonly grants: GrantsService,
    private readonly users: UsersService,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  @Get()
  async show(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.signedIn(req);
    if (!person) return seeOther(reply, this.url('/login'));
    const revoked = (req.query as Record<string, unknown> | undefined)?.revoked === '1';
    sendPage(
      reply,
      200,
      renderAccount({
        username: person.username,
        grants: await this.grants.listForSubject(person.userId),
        csrfToken: accountFormToken(person.sessionId),
        accountUrl: this.url(),
        ...(revoked ? { notice: 'Access revoked. That application can no longer act for you.' } : {}),
      }),
    );
  }

  @Get('login')
  async loginPage(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (await this.signedIn(req)) return seeOther(reply, this.url());
    if (!this.config.passwordLogin) return this.passwordLoginOff(reply);
    const browserId = ensureBrowserId(req, reply, this.secure);
    sendPage(reply, 200, this.signInPage(browserId));
  }

  @Post('login')
  async login(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const browserId = readCookie(req, BROWSER_COOKIE);
    const form = parseForm(req, signInForm);
    if (!form) return this.badRequest(reply);
    if (!browserId || !tokenMatches(accountSignInToken(browserId), form.csrf_token)) return this.forbidden(reply, this.url('/login'));
    if (!this.config.passwordLogin) return this.passwordLoginOff(reply);
    const username = (form.username ?? '').trim();
    const outcome = await this.signIn.attempt({ username, password: form.password ?? '', address: req.ip });
    if (!outcome.ok) {
      if (outcome.waitSeconds > 0) reply.header('retry-after', String(outcome.waitSeconds));
      return sendPage(withRefusalReason(reply, outcome.reason), outcome.status, this.signInPage(browserId, username.slice(0, FORM_LIMITS.username), outcome.message));
    }
    setCookie(reply, SESSION_COOKIE, outcome.sessionId, this.secure, this.config.sessionTtl);
    seeOther(reply, this.url());
  }

  @Post('logout')
  async logout(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.signedIn(req);
    if (!person) return seeOther(reply, this.url('/login'));
    const form = parseForm(req, accountForm);
    if (!form) return this.badRequest(reply);
    if (!tokenMatches(accountFormToken(person.sessionId), form.csrf_token)) return this.forbidden(reply, this.url());
    await this.interactions.endSession(person.sessionId);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    sendPage(reply, 200, renderAccountMessage('Signed out', 'You are signed out on this browser.', { href: this.url('/login'), text: 'Sign in again' }, false));
  }

  /**
   * A Revoke button posts here without `confirm`: the confirmation page (nothing changes yet).
   * Its form posts again with `confirm=yes`: the grant is revoked, then back to the list
   * (303, so a reload does not post twice). A grant that is not this person's live grant is
   * 404 either way, the same answer as one that never existed.
   */
  @Post('grants/:id/revoke')
  async revoke(@Param('id') grantId: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const person = await this.signedIn(req);
    if (!person) {
      return sendPage(withRefusalReason(reply, 'not_signed_in'), 401, renderAccountMessage('Signed out', 'Your session has ended. Sign in again to manage your applications.', { href: this.url('/login'), text: 'Sign in' }));
    }
    const form = parseForm(req, accountForm);
    if (!form) return this.badRequest(reply);
    if (!tokenMatches(accountFormToken(person.sessionId), form.csrf_token)) return this.forbidden(reply, this.url());
    if (form.confirm !== undefined && form.confirm !== 'yes') return this.badRequest(reply);
    if (form.confirm === undefined) {
      const grant = (await this.grants.listForSubject(person.userId)).find((g) => g.grantId === grantId);
      if (!grant) return this.notFound(reply);
      return sendPage(reply, 200, renderRevokeConfirmation({ accountUrl: this.url(), csrfToken: accountFormToken(person.sessionId), grant }));
    }
    const revoked = await this.grants.revoke(grantId, { via: 'account', subject: person.userId }, { subject: person.userId });
    if (!revoked) return this.notFound(reply);
    seeOther(reply, `${this.url()}?revoked=1`);
  }

  /** The person this browser's login session names, if it is live and the account still exists. */
  private async signedIn(req: FastifyRequest): Promise<SignedIn | undefined> {
    const sessionId = readCookie(req, SESSION_COOKIE);
    const userId = await this.interactions.sessionUser(sessionId);
    if (!sessionId || !userId) return undefined;
    const user = await this.users.findById(userId);
    return user ? { sessionId, userId, username: user.username } : undefined;
  }

  private signInPage(browserId: string, username?: string, error?: string): string {
    return renderLogin({
      action: this.url('/login'),
      csrfToken: accountSignInToken(browserId),
      clientName: 'your account',
      purpose: 'to see and manage the applications you connected',
      username,
      error,
    });
  }

  private url(path = ''): string {
    return `${this.config.issuerUrl}/account${path}`;
  }

  private get secure(): boolean {
    return secureCookies(this.config.issuerUrl);
  }

  private passwordLoginOff(reply: FastifyReply): void {
    // A session from signing in with an organisation (federation/) opens this page as well.
    sendPage(
      withRefusalReason(reply, 'password_login_off'),
      403,
      renderAccountMessage('Sign in through an application', 'Password sign-in is off. Sign in to one of your applications with your organisation, then come back to this page.', { href: this.url(), text: 'Try again' }),
    );
  }

  private badRequest(reply: FastifyReply): void {
    sendPage(withRefusalReason(reply, 'invalid_request'), 400, renderAccountMessage('Invalid request', 'The form was not understood.', { href: this.url(), text: 'Back to your account' }));
  }

  private forbidden(reply: FastifyReply, back: string): void {
    sendPage(withRefusalReason(reply, 'csrf_mismatch'), 403, renderAccountMessage('Request refused', 'The form could not be verified. Reload the page and try again.', { href: back, text: 'Back' }));
  }

  private notFound(reply: FastifyReply): void {
    sendPage(withRefusalReason(reply, 'grant_not_found'), 404, renderAccountMessage('Not found', 'No such application is connected to your account.', { href: this.url(), text: 'Back to your account' }));
  }
}
