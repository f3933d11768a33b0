import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventType, PortcullisEvent } from '@portcullis/contracts';
import { AuditTrail, numericDate } from '../audit/audit-trail';
import { FamilyRevocation } from './grants.service';

export interface TokenIssuedEvent {
  grantType: 'authorization_code' | 'client_credentials' | 'refresh_token';
  clientId: string;
  subject: string;
  resource: string;
  scopes: string[];
  jti: string;
  expiresAt: number;
  /** The grant id: the refresh token family, when a refresh token was issued. */
  refreshFamilyId?: string;
}

type RevocationReason = 'client_request' | 'refresh_reuse' | 'code_replay' | 'client_deleted';

/**
 * Token lifecycle events (libs/contracts). Tokens are named by `jti`, never by value; the
 * refresh family is named by its grant id. Each is written in the transaction of the change
 * when the caller passes one.
 */
@Injectable()
export class TokenEventsPublisher {
  constructor(private readonly audit: AuditTrail) {}

  /** token.issued, built for GrantsService.recordIssuance to write with the token. */
  tokenIssued(e: TokenIssuedEvent): PortcullisEvent {
    return this.audit.prepare({
      type: EventType.TokenIssued,
      subject: e.jti,
      data: {
        grant_type: e.grantType,
        ...tokenFields(e),
        ...(e.refreshFamilyId ? { refresh_family_id: e.refreshFamilyId } : {}),
      },
    });
  }

  /** token.issued for a token that is not stored (client_credentials): group-committed on its own. */
  async tokenIssuedUnstored(e: TokenIssuedEvent): Promise<void> {
    await this.audit.recordPrepared(this.tokenIssued(e));
  }

  /** token.refreshed, built for GrantsService.recordIssuance to write with the rotation. */
  tokenRefreshed(e: Omit<TokenIssuedEvent, 'grantType'> & { refreshFamilyId: string }): PortcullisEvent {
    return this.audit.prepare({
      type: EventType.TokenRefreshed,
      subject: e.jti,
      data: { ...tokenFields(e), refresh_family_id: e.refreshFamilyId },
    });
  }

  tokenRejected(error: string, description: string, grantType: string | undefined, clientId: string | undefined): Promise<void> {
    return this.audit.record({
      type: EventType.TokenRejected,
      data: {
        error,
        error_description: description.slice(0, 512),
        ...(grantType ? { grant_type: grantType.slice(0, 128) } : {}),
        ...(clientId ? { client_id: clientId.slice(0, 2048) } : {}),
      },
    });
  }

  /** Records a family revocation; returns the recorder GrantsService.revokeFamily runs in its transaction. */
  familyRevoked(clientId: string, subject: string, reason: RevocationReason) {
    return async (revocation: FamilyRevocation, manager: EntityManager): Promise<void> => {
      const jtis = revocation.accessTokens.map((t) => t.jti);
      if (reason === 'refresh_reuse') {
        await this.audit.record({
          type: EventType.RefreshTokenReuseDetected,
          subject,
          manager,
          data: { client_id: clientId, subject, refresh_family_id: revocation.grantId, revoked_jtis: jtis },
        });
      }
      const latest = Math.max(Date.now(), ...revocation.accessTokens.map((t) => t.expiresAt));
      await this.audit.record({
        type: EventType.TokenRevoked,
        subject: revocation.grantId,
        manager,
        data: { client_id: clientId, subject, jtis, refresh_family_id: revocation.grantId, reason, expires_at: numericDate(latest) },
      });
    };
  }

  accessTokenRevoked(jti: string, expiresAt: number, clientId: string, subject: string | undefined) {
    return (manager: EntityManager): Promise<void> =>
      this.audit.record({
        type: EventType.TokenRevoked,
        subject: jti,
        manager,
        data: {
          client_id: clientId,
          ...(subject ? { subject } : {}),
          jtis: [jti],
          reason: 'client_request',
          expires_at: numericDate(expiresAt),
        },
      });
  }

  introspected(clientId: string, active: boolean, jti: string | undefined, tokenClientId: string | undefined): Promise<void> {
    return this.audit.record({
      type: EventType.TokenIntrospected,
      ...(jti ? { subject: jti } : {}),
      data: { client_id: clientId, active, ...(jti ? { jti } : {}), ...(active && tokenClientId ? { token_client_id: tokenClientId } : {}) },
    });
  }
}

/** What token.issued and token.refreshed both say of the access token: named by jti, never by value. */
function tokenFields(e: Omit<TokenIssuedEvent, 'grantType' | 'refreshFamilyId'>) {
  return {
    client_id: e.clientId,
    subject: e.subject,
    scopes: e.scopes,
    resource: e.resource,
    jti: e.jti,
    expires_at: numericDate(e.expiresAt),
  };
}
