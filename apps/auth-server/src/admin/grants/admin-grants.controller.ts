import { Controller } from '@nestjs/common';
import type { EventActor } from '../../audit/event-actor';
import { ClientsService } from '../../clients/clients.service';
import { AdminEndpoint } from '../routes/admin-route';
import { Actor, AdminInput, Input } from '../routes/admin-input';
import { NotFound } from '../routes/admin-errors';
import { AdminUsersService } from '../users/admin-users.service';
import { AdminGrantsService } from './admin-grants.service';
import { GRANT_ROUTES, GrantView } from './admin-grants.routes';

const seconds = (ms: number) => Math.floor(ms / 1000);

/** A person's grants, and revoking one (admin-grants.routes.ts). */
@Controller()
export class AdminGrantsController {
  constructor(
    private readonly grants: AdminGrantsService,
    private readonly users: AdminUsersService,
    private readonly clients: ClientsService,
  ) {}

  @AdminEndpoint(GRANT_ROUTES.ofUser)
  async ofUser(@Input() input: AdminInput<{ id: string }>): Promise<{ items: GrantView[] }> {
    const user = await this.users.get(input.params.id);
    const items = await Promise.all(
      (await this.grants.listForSubject(user.id)).map(async (g) => ({
        grant_id: g.grantId,
        client_id: g.clientId,
        client_name: (await this.clients.findStored(g.clientId))?.clientName ?? null,
        scopes: g.scopes,
        resource: g.resource,
        approved_at: seconds(g.approvedAt),
        last_used_at: g.lastUsedAt === null ? null : seconds(g.lastUsedAt),
      })),
    );
    return { items };
  }

  @AdminEndpoint(GRANT_ROUTES.revoke)
  async revoke(@Input() input: AdminInput<{ grant_id: string }>, @Actor() actor: EventActor): Promise<void> {
    if (!(await this.grants.revoke(input.params.grant_id, actor))) throw new NotFound(`no live grant '${input.params.grant_id}'`);
  }
}
