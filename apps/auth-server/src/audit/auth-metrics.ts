import { Injectable } from '@nestjs/common';
import { declareCounter } from '@portcullis/metrics';

const tokenRequests = declareCounter({
  name: 'portcullis_auth_token_requests_total',
  help: 'Token endpoint requests by grant type (a type this server does not support is "unsupported") and outcome: "issued" or the OAuth error code.',
  labelNames: ['grant_type', 'outcome'],
});

const loginFailures = declareCounter({
  name: 'portcullis_auth_login_failures_total',
  help: 'Failed sign-ins by method (password, federated) and reason (unknown_user, bad_password, throttled, locked_out, … or the federated failure).',
  labelNames: ['method', 'reason'],
});

const authorizationDenials = declareCounter({
  name: 'portcullis_auth_authorization_denials_total',
  help: 'Authorization requests refused, by OAuth error code (invalid_request, access_denied when a person denied consent, …).',
  labelNames: ['error'],
});

const adminDenials = declareCounter({
  name: 'portcullis_auth_admin_denials_total',
  help: 'Admin API requests refused by the bearer guard, by reason (missing_token, wrong_audience, insufficient_scope, revoked, …).',
  labelNames: ['reason'],
});

/**
 * The authorization server's own metrics. Every label comes from a closed set the server
 * defines (grant types it has handlers for, OAuth error codes, failure reasons of the event
 * contract): never a client_id, a username or a subject.
 */
@Injectable()
export class AuthMetrics {
  /** `grantType` is the caller's text: named only when it is one of `supported`. */
  tokenRequest(grantType: string | undefined, supported: { has(grantType: string): boolean }, outcome: string): void {
    const grant = grantType === undefined ? 'none' : supported.has(grantType) ? grantType : 'unsupported';
    tokenRequests.inc({ grant_type: grant, outcome });
  }

  loginFailed(method: 'password' | 'federated', reason: string): void {
    loginFailures.inc({ method, reason });
  }

  authorizationDenied(error: string): void {
    authorizationDenials.inc({ error });
  }

  adminRequestDenied(reason: string): void {
    adminDenials.inc({ reason });
  }
}
