import { Injectable, Logger } from '@nestjs/common';
import { EventType } from '@portcullis/contracts';
import { sha256Base64Url } from '@portcullis/oauth';
import { AuditTrail } from '../../audit/audit-trail';
import { AuthMetrics } from '../../audit/auth-metrics';
import { RepeatedRejections } from '../../audit/repeated-rejections';
import { LoginThrottle } from '../../users/login-throttle';
import { UsersService } from '../../users/users.service';
import { InteractionService } from './interaction.service';

export type LoginFailureReason = 'unknown_user' | 'bad_password' | 'throttled' | 'malformed' | 'disabled';

/** Longest accepted form fields (characters); longer ones are refused before any work. */
export const FORM_LIMITS = { username: 256, password: 1024 } as const;

/** A sign-in attempt: the fields as posted, where from, and the client it was for (absent: the account page). */
export interface SignInAttempt {
  username: string;
  password: string;
  address: string;
  clientId?: string;
}

export type SignInOutcome =
  | { ok: true; userId: string; sessionId: string }
  | { ok: false; status: 400 | 401 | 403 | 429; reason: LoginFailureReason; message: string; waitSeconds: number };

/** "30 seconds", "2 minutes": how long the person must wait, said plainly. */
function duration(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/**
 * A sign-in with a username and password, wherever its form is (the login page of an
 * authorization request, the account page's): the length caps, the throttle, the check, the
 * audit events and log lines, and on success a new login session. The caller shows the page
 * and sets the session cookie.
 */
@Injectable()
export class PasswordSignIn {
  private readonly logger = new Logger('login');

  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottle,
    private readonly audit: AuditTrail,
    private readonly rejections: RepeatedRejections,
    private readonly metrics: AuthMetrics,
    private readonly interactions: InteractionService,
  ) {}

  async attempt(attempt: SignInAttempt): Promise<SignInOutcome> {
    const { username, password, address, clientId } = attempt;
    const fail = async (status: 400 | 401 | 403 | 429, reason: LoginFailureReason, message: string, waitSeconds = 0): Promise<SignInOutcome> => {
      await this.failed(username, reason, address, clientId);
      return { ok: false, status, reason, message, waitSeconds };
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
      data: { subject: result.user.id, username: result.user.username, ...(clientId ? { client_id: clientId } : {}) },
    });
    return { ok: true, userId: result.user.id, sessionId: await this.interactions.createSession(result.user.id) };
  }

  /** The audit event (fine reason) and a log line (coarse reason, the username as a digest). */
  private async failed(username: string, reason: LoginFailureReason, address: string, clientId: string | undefined): Promise<void> {
    // A username field sometimes holds a mistyped password: logs name it by digest only.
    const code = reason === 'unknown_user' || reason === 'bad_password' ? 'bad_credentials' : reason;
    this.metrics.loginFailed('password', reason);
    const where = clientId ? `client ${clientId.slice(0, 255)}` : 'account page';
    this.logger.warn(`login failed: ${code} (username sha256 ${sha256Base64Url(username).slice(0, 12)}, ${where})`);
    // Repeats (a throttled guesser keeps posting) are aggregated: audit/repeated-rejections.ts.
    await this.rejections.record(
      { reason, names: `${clientId ?? ''}\n${username}`, address },
      { type: EventType.LoginFailed, data: { username: username.slice(0, FORM_LIMITS.username), reason, ...(clientId ? { client_id: clientId } : {}) } },
    );
  }
}
