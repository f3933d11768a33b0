import { Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail';
import { FamilyRevocation } from './grants.service';

export interface TokenIssuedEvent {
  grantType: string;
  clientId: string;
  subject: string;
  resource: string;
  scope: string;
  jti: string;
  expiresAt: number;
  refreshTokenIssued: boolean;
}

/** Token lifecycle events, named by jti: never the token itself. */
@Injectable()
export class TokenEventsPublisher {
  constructor(private readonly audit: AuditTrail) {}

  tokenIssued(e: TokenIssuedEvent): void {
    this.audit.record({
      type: 'auth.token.issued',
      subject: e.subject,
      data: {
        grant_type: e.grantType,
        client_id: e.clientId,
        resource: e.resource,
        scope: e.scope,
        jti: e.jti,
        expires_at: new Date(e.expiresAt).toISOString(),
        refresh_token_issued: e.refreshTokenIssued,
      },
    });
  }

  tokenRefreshed(e: Omit<TokenIssuedEvent, 'grantType' | 'refreshTokenIssued'> & { grantId: string }): void {
    this.audit.record({
      type: 'auth.token.refreshed',
      subject: e.subject,
      data: {
        client_id: e.clientId,
        resource: e.resource,
        scope: e.scope,
        jti: e.jti,
        grant_id: e.grantId,
        expires_at: new Date(e.expiresAt).toISOString(),
      },
    });
  }

  refreshReuseDetected(revocation: FamilyRevocation, clientId: string, subject: string): void {
    this.audit.record({
      type: 'auth.refresh_token.reuse_detected',
      subject,
      data: { client_id: clientId, grant_id: revocation.grantId },
    });
    this.familyRevoked(revocation, clientId, subject, 'refresh_token_reuse');
  }

  familyRevoked(revocation: FamilyRevocation, clientId: string, subject: string, reason: string): void {
    this.audit.record({
      type: 'auth.token.revoked',
      subject,
      data: {
        client_id: clientId,
        grant_id: revocation.grantId,
        reason,
        access_tokens: revocation.accessTokens.map((t) => ({ jti: t.jti, expires_at: new Date(t.expiresAt).toISOString() })),
      },
    });
  }

  accessTokenRevoked(jti: string, expiresAt: number, clientId: string, subject: string | undefined): void {
    this.audit.record({
      type: 'auth.token.revoked',
      subject,
      data: { client_id: clientId, reason: 'revocation_request', access_tokens: [{ jti, expires_at: new Date(expiresAt).toISOString() }] },
    });
  }

  introspected(clientId: string, active: boolean, jti: string | undefined): void {
    this.audit.record({ type: 'auth.token.introspected', data: { client_id: clientId, active, ...(jti ? { jti } : {}) } });
  }
}
