import type { z } from 'zod';
import type { federatedLoginFailureReason } from '@portcullis/contracts';

export type FederatedLoginFailureReason = z.infer<typeof federatedLoginFailureReason>;

/** What the person reads for each refusal: plain words, never the upstream's raw message. */
export const FAILURE_PAGES: Record<FederatedLoginFailureReason, { status: number; title: string; detail: string }> = {
  idp_unreachable: { status: 502, title: 'Sign-in provider unavailable', detail: 'Your organisation’s sign-in service could not be reached. Try again in a moment.' },
  idp_error: { status: 400, title: 'Sign-in failed', detail: 'Your organisation’s sign-in service could not sign you in.' },
  unknown_state: { status: 400, title: 'Sign-in link already used or expired', detail: 'This sign-in response is unknown, was already used or has expired. Start again from the application.' },
  browser_mismatch: { status: 400, title: 'Sign-in started elsewhere', detail: 'This sign-in was started in another browser. Start again from the application in this browser.' },
  interaction_expired: { status: 400, title: 'Sign-in request expired', detail: 'The sign-in request has expired. Return to the application and try again.' },
  invalid_response: { status: 400, title: 'Sign-in response refused', detail: 'The answer from your organisation’s sign-in service did not pass our checks.' },
  email_not_verified: { status: 403, title: 'Email address not verified', detail: 'Your organisation’s sign-in service did not confirm a verified email address, which this server requires.' },
  email_domain_not_allowed: { status: 403, title: 'Account not allowed', detail: 'Accounts of this email domain may not sign in here.' },
  account_disabled: { status: 403, title: 'Account disabled', detail: 'This account is disabled. Ask your administrator.' },
};

/** A refused federated sign-in: the reason (audit event), and the upstream error code if any. */
export class FederatedLoginFailure extends Error {
  constructor(
    readonly reason: FederatedLoginFailureReason,
    readonly upstreamError?: string,
    /** The interaction to go back to for another try, when it still exists. */
    readonly interactionId?: string,
    /** The client the person was signing in for, when known (for the event). */
    readonly clientId?: string,
  ) {
    super(reason);
  }
}
