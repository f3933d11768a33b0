import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import type { EventActor } from '../../audit/event-actor';
import { GrantsService } from '../../grants/grants.service';
import { GrantEntity } from '../../token/grant.entity';

/**
 * What the admin API adds to GrantsService (the account page's list and revoke): withdrawing
 * every live grant of a person or a client an operator disabled, all in one transaction
 * (GrantsService.revokeAll). Each grant records auth.grant.revoked naming the operator and
 * auth.token.revoked for its live access tokens (pushed to every resource server).
 */
@Injectable()
export class AdminGrantsService {
  constructor(
    @InjectRepository(GrantEntity) private readonly grants: Repository<GrantEntity>,
    private readonly owned: GrantsService,
  ) {}

  async revokeAllOf(owner: { subject: string } | { clientId: string }, actor: EventActor): Promise<void> {
    const where = 'subject' in owner ? { userId: owner.subject, revokedAt: IsNull() } : { clientId: owner.clientId, revokedAt: IsNull() };
    await this.owned.revokeAll(await this.grants.find({ where }), actor);
  }
}
