import { Injectable } from '@nestjs/common';
import { EventType } from '@portcullis/contracts';
import { AuditTrail } from '../audit/audit-trail';
import { tokenIssued, TokenIssuedEvent } from './token-events';

/**
 * The token events that record no stored change (token-events.ts has the others, which the
 * stores write with their change): each is group-committed on its own.
 */
@Injectable()
export class TokenEventsPublisher {
  constructor(private readonly audit: AuditTrail) {}

  /** token.issued for a token that is not stored (client_credentials). */
  async tokenIssuedUnstored(e: TokenIssuedEvent): Promise<void> {
    await this.audit.record(tokenIssued(e));
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

  introspected(clientId: string, active: boolean, jti: string | undefined, tokenClientId: string | undefined): Promise<void> {
    return this.audit.record({
      type: EventType.TokenIntrospected,
      ...(jti ? { subject: jti } : {}),
      data: { client_id: clientId, active, ...(jti ? { jti } : {}), ...(active && tokenClientId ? { token_client_id: tokenClientId } : {}) },
    });
  }
}
