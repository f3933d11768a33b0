import { Controller } from '@nestjs/common';
import type { EventActor } from '../../audit/event-actor';
import { AdminEndpoint } from '../routes/admin-route';
import { Actor, AdminInput, Input } from '../routes/admin-input';
import { NotFound } from '../routes/admin-errors';
import { AdminUsersService } from '../users/admin-users.service';
import { GrantsService } from '../../grants/grants.service';
import { GRANT_ROUTES, GrantView } from './admin-grants.routes';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** A person's grants, and revoking one (admin-grants.routes.ts). */
@Controller()
export class AdminGrantsController {
  constructor(
    private readonly grants: GrantsService,
    private readonly users: AdminUsersService,
  ) {}

  @AdminEndpoint(GRANT_ROUTES.ofUser)
  async ofUser(@Input() input: AdminInput<{ id: string }>): Promise<{ items: GrantView[] }> {
    const user = await this.users.get(input.params.id);
    const items = (await this.grants.listForSubject(user.id)).map((g) => ({
        grant_id: g.grantId,
        client_id: g.clientId,
        client_name: g.clientName ?? null,
        scopes: g.scopes.map((s) => s.name),
        resource: g.resource,
        approved_at: seconds(g.approvedAt),
        last_used_at: g.lastUsedAt === null ? null : seconds(g.lastUsedAt),
    }));
    return { items };
  }

  @AdminEndpoint(GRANT_ROUTES.revoke)
  async revoke(@Input() input: AdminInput<{ grant_id: string }>, @Actor() actor: EventActor): Promise<void> {
    if (!(await this.grants.revoke(input.params.grant_id, actor))) throw new NotFound(`no live grant '${input.params.grant_id}'`);
  }
}
