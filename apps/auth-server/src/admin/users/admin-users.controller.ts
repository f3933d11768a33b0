import { Controller } from '@nestjs/common';
import type { EventActor } from '../../audit/event-actor';
import { AdminEndpoint } from '../routes/admin-route';
import { Actor, AdminInput, Input } from '../routes/admin-input';
import type { PageQuery } from '../routes/paging';
import { AdminUsersService, userView } from './admin-users.service';
import { NewUserBody, USER_ROUTES } from './admin-users.routes';

type ById<B = Record<string, never>> = AdminInput<{ id: string }, never, B>;

/** /admin/users: people, their roles and their accounts' state (admin-users.routes.ts). */
@Controller()
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @AdminEndpoint(USER_ROUTES.list)
  list(@Input() input: AdminInput<never, PageQuery>) {
    return this.users.list(input.query);
  }

  @AdminEndpoint(USER_ROUTES.get)
  async get(@Input() input: ById) {
    return userView(await this.users.get(input.params.id));
  }

  @AdminEndpoint(USER_ROUTES.create)
  async create(@Input() input: AdminInput<never, never, NewUserBody>, @Actor() actor: EventActor) {
    return userView(await this.users.create(input.body, actor));
  }

  @AdminEndpoint(USER_ROUTES.disable)
  async disable(@Input() input: ById, @Actor() actor: EventActor) {
    return userView(await this.users.disable(input.params.id, actor));
  }

  @AdminEndpoint(USER_ROUTES.enable)
  async enable(@Input() input: ById, @Actor() actor: EventActor) {
    return userView(await this.users.enable(input.params.id, actor));
  }

  @AdminEndpoint(USER_ROUTES.unlock)
  async unlock(@Input() input: ById, @Actor() actor: EventActor) {
    return userView(await this.users.unlock(input.params.id, actor));
  }

  @AdminEndpoint(USER_ROUTES.password)
  async password(@Input() input: ById<{ password: string }>, @Actor() actor: EventActor) {
    return userView(await this.users.resetPassword(input.params.id, input.body.password, actor));
  }

  @AdminEndpoint(USER_ROUTES.roles)
  async roles(@Input() input: ById<{ roles: string[] }>, @Actor() actor: EventActor) {
    return userView(await this.users.setRoles(input.params.id, input.body.roles, actor));
  }
}
