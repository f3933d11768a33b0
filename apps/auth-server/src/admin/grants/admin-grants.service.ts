import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { EventType } from '@portcullis/contracts';
import { parseScope } from '@portcullis/oauth';
import { AuditTrail } from '../../audit/audit-trail';
import type { EventActor } from '../../audit/event-actor';
import { GrantEntity } from '../../token/grant.entity';
import { AccessTokenRecordEntity } from '../../token/access-token-record.entity';
import { TokenStore } from '../../token/stores/token-store';

export interface GrantSummary {
  grantId: string;
  clientId: string;
  subject: string;
  scopes: string[];
  resource: string;
  approvedAt: number;
  lastUsedAt: number | null;
}

/**
 * The live grants of a person or client, and revoking them: the grant, its refresh tokens
 * and its live access tokens (auth.token.revoked goes to every resource server).
 *
 * MERGE NOTE: a minimal stand-in for the grants service of the account page (CONSOLE-CONTRACT
 * "Account page": `listForSubject`, `revoke`), which also knows `last_used_at`. When it lands,
 * listForSubject and revoke here become calls to it.
 */
@Injectable()
export class AdminGrantsService {
  constructor(
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
    @InjectRepository(AccessTokenRecordEntity) private readonly accessTokens: Repository<AccessTokenRecordEntity>,
    private readonly tokens: TokenStore,
    private readonly audit: AuditTrail,
  ) {}

  async listForSubject(subject: string): Promise<GrantSummary[]> {
    const rows = await this.grants.find({ where: { userId: subject, revokedAt: IsNull() }, order: { createdAt: 'ASC' }, take: 500 });
    return rows.map(summary);
  }

  /** Revokes one grant with auth.grant.revoked naming the actor; null when it is absent or already revoked. */
  async revoke(grantId: string, actor: EventActor): Promise<{ revokedJtis: number } | null> {
    const grant = await this.grants.findOne({ where: { id: grantId, revokedAt: IsNull() } });
    if (!grant) return null;
    const revokedJtis = await this.revokeGrant(grant);
    await this.audit.record({
      type: EventType.GrantRevoked,
      subject: grant.userId,
      data: { grant_id: grant.id, client_id: grant.clientId, subject: grant.userId, scopes: parseScope(grant.scope) ?? [], revoked_jtis: revokedJtis, actor },
    });
    return { revokedJtis };
  }

  /** Every live grant of a person or a client (disabled by an operator), each with its tokens. */
  async revokeAllOf(owner: { subject: string } | { clientId: string }): Promise<void> {
    const where = 'subject' in owner ? { userId: owner.subject, revokedAt: IsNull() } : { clientId: owner.clientId, revokedAt: IsNull() };
    for (const grant of await this.grants.find({ where })) await this.revokeGrant(grant);
  }

  private async revokeGrant(grant: GrantEntity): Promise<number> {
    const live = await this.accessTokens.count({ where: { grantId: grant.id, revokedAt: IsNull(), expiresAt: MoreThan(Date.now()) } });
    await this.tokens.revokeGrant(grant.id, { clientId: grant.clientId, subject: grant.userId, reason: 'admin' });
    return live;
  }
}

function summary(grant: GrantEntity): GrantSummary {
  return {
    grantId: grant.id,
    clientId: grant.clientId,
    subject: grant.userId,
    scopes: parseScope(grant.scope) ?? [],
    resource: grant.resource,
    approvedAt: grant.createdAt,
    lastUsedAt: null,
  };
}
