import { EventType } from '@portcullis/contracts';
import type { JWT_BEARER_GRANT_TYPE } from '@portcullis/oauth';
import { AuditEvent, numericDate } from '../audit/audit-trail';
import type { EventActor } from '../audit/event-actor';

/**
 * The token lifecycle events (libs/contracts), as values: built by the grant types and the
 * stores, recorded by the stores inside the transaction of the change they describe. Tokens
 * are named by `jti`, never by value; the refresh family is named by its grant id.
 */

/** Who vouched for a jwt-bearer grant's subject (never the assertion itself). */
export interface VouchedBy {
  profile: 'id-jag' | 'workload';
  /** The operator's name for the trusted issuer (TRUSTED_ISSUERS_FILE). */
  connection: string;
  issuer: string;
}

export interface TokenIssuedEvent {
  grantType: 'authorization_code' | 'client_credentials' | 'refresh_token' | typeof JWT_BEARER_GRANT_TYPE;
  clientId: string;
  subject: string;
  resource: string;
  scopes: string[];
  jti: string;
  expiresAt: number;
  /** The grant id: the refresh token family, when a refresh token was issued. */
  refreshFamilyId?: string;
  vouchedBy?: VouchedBy;
  /** ID-JAG: the enterprise IdP's policy stood in for a consent page. */
  consent?: 'idp_policy';
}

/**
 * Who withdrew a person's approval, as auth.grant.revoked names it: the person on their
 * account page, an operator through the admin API or the CLI (audit/event-actor.ts).
 */
export type GrantRevocationActor = EventActor;

/**
 * Why a grant (token family) is revoked, and whose it is: what its events say. `admin`: a
 * person withdrew the approval (their own, or as an operator), named by `actor`; the
 * revocation then also records auth.grant.revoked.
 */
export type RevocationCause =
  | { clientId: string; subject: string; reason: 'client_request' | 'refresh_reuse' | 'code_replay' | 'client_deleted' }
  | { clientId: string; subject: string; reason: 'admin'; actor: GrantRevocationActor; scopes: string[] };

/** What revoking a grant revoked: the access tokens of the family that had not expired. */
export interface FamilyRevocation {
  grantId: string;
  accessTokens: { jti: string; expiresAt: number }[];
}

export function tokenIssued(e: TokenIssuedEvent): AuditEvent {
  return {
    type: EventType.TokenIssued,
    subject: e.jti,
    data: {
      grant_type: e.grantType,
      ...tokenFields(e),
      ...(e.refreshFamilyId ? { refresh_family_id: e.refreshFamilyId } : {}),
      ...(e.vouchedBy ? { vouched_by: { ...e.vouchedBy } } : {}),
      ...(e.consent ? { consent: e.consent } : {}),
    },
  };
}

export function tokenRefreshed(e: Omit<TokenIssuedEvent, 'grantType'> & { refreshFamilyId: string }): AuditEvent {
  return { type: EventType.TokenRefreshed, subject: e.jti, data: { ...tokenFields(e), refresh_family_id: e.refreshFamilyId } };
}

/**
 * token.revoked for the family, preceded by refresh_token.reuse_detected when reuse was the
 * cause, or by grant.revoked when a person withdrew the approval (`withdrawn`: this revocation
 * is the one that ended the grant, so a repeated one does not say it twice).
 */
export function familyRevoked(revocation: FamilyRevocation, cause: RevocationCause, now = Date.now(), withdrawn = true): AuditEvent[] {
  const { clientId, subject, reason } = cause;
  const jtis = revocation.accessTokens.map((t) => t.jti);
  const latest = Math.max(now, ...revocation.accessTokens.map((t) => t.expiresAt));
  const revoked: AuditEvent = {
    type: EventType.TokenRevoked,
    subject: revocation.grantId,
    data: { client_id: clientId, subject, jtis, refresh_family_id: revocation.grantId, reason, expires_at: numericDate(latest) },
  };
  if (cause.reason === 'admin') {
    if (!withdrawn) return [revoked];
    const grant: AuditEvent = {
      type: EventType.GrantRevoked,
      subject,
      data: { grant_id: revocation.grantId, client_id: clientId, subject, scopes: cause.scopes, revoked_jtis: jtis.length, actor: { ...cause.actor } },
    };
    return [grant, revoked];
  }
  if (reason !== 'refresh_reuse') return [revoked];
  const reuse: AuditEvent = {
    type: EventType.RefreshTokenReuseDetected,
    subject,
    data: { client_id: clientId, subject, refresh_family_id: revocation.grantId, revoked_jtis: jtis },
  };
  return [reuse, revoked];
}

/** One access token revoked at its client's request (RFC 7009). */
export interface AccessTokenRevocation {
  jti: string;
  clientId: string;
  expiresAt: number;
  subject?: string;
}

export function accessTokenRevoked(t: AccessTokenRevocation): AuditEvent {
  return {
    type: EventType.TokenRevoked,
    subject: t.jti,
    data: {
      client_id: t.clientId,
      ...(t.subject ? { subject: t.subject } : {}),
      jtis: [t.jti],
      reason: 'client_request',
      expires_at: numericDate(t.expiresAt),
    },
  };
}

/** What token.issued and token.refreshed both say of the access token: named by jti, never by value. */
function tokenFields(e: Omit<TokenIssuedEvent, 'grantType' | 'refreshFamilyId' | 'vouchedBy' | 'consent'>) {
  return {
    client_id: e.clientId,
    subject: e.subject,
    scopes: e.scopes,
    resource: e.resource,
    jti: e.jti,
    expires_at: numericDate(e.expiresAt),
  };
}
