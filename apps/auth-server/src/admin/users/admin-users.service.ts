import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { EventActor } from '../../audit/event-actor';
import { UserEntity } from '../../users/user.entity';
import { UserAccountsService } from '../../users/user-accounts.service';
import { UsersService } from '../../users/users.service';
import { NO_PASSWORD } from '../../users/federated-users.service';
import { AdminGrantsService } from '../grants/admin-grants.service';
import { Conflict } from '../routes/admin-errors';
import { changeFound, findOr404 } from '../routes/operator-change';
import { containsPattern, decodeCursor, PageQuery, toPage } from '../routes/paging';
import type { NewUserBody, UserView } from './admin-users.routes';

const seconds = (ms: number) => Math.floor(ms / 1000);
const userNamed = (id: string) => `user '${id}'`;

export function userView(u: UserEntity): UserView {
  return {
    id: u.id,
    username: u.username,
    roles: u.roles,
    disabled: !!u.disabledAt,
    federated: u.passwordHash === NO_PASSWORD,
    created_at: seconds(u.createdAt),
    disabled_at: u.disabledAt ? seconds(u.disabledAt) : null,
  };
}

/** People as operators see and change them; the changes themselves are UserAccountsService's, with their events. */
@Injectable()
export class AdminUsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly rows: Repository<UserEntity>,
    private readonly users: UsersService,
    private readonly accounts: UserAccountsService,
    private readonly grants: AdminGrantsService,
  ) {}

  async list(query: PageQuery) {
    const after = decodeCursor(query.cursor);
    const select = this.rows.createQueryBuilder('u').orderBy('u.username', 'ASC').limit(query.limit + 1);
    if (after !== undefined) select.andWhere('u.username > :after', { after });
    if (query.q) select.andWhere(`(LOWER(u.username) LIKE LOWER(:p) ESCAPE '\\' OR u.id = :q)`, { p: containsPattern(query.q), q: query.q });
    return toPage(await select.getMany(), query.limit, (u) => u.username, userView);
  }

  get(id: string): Promise<UserEntity> {
    return findOr404(this.users.findById(id), userNamed(id));
  }

  async create(body: NewUserBody, actor: EventActor): Promise<UserEntity> {
    if (await this.users.findByUsername(body.username)) throw new Conflict(`user '${body.username}' already exists`);
    return this.users.create({ ...body, actor });
  }

  /** Disabled: no sign-in, no refresh, and what was issued to the person is revoked now. */
  disable(id: string, actor: EventActor): Promise<UserEntity> {
    return this.change(id, async (user) => {
      const disabled = await this.accounts.disable(this.notSelf(user, actor, 'disable'), actor);
      await this.grants.revokeAllOf({ subject: user.id }, actor);
      return disabled;
    });
  }

  enable(id: string, actor: EventActor): Promise<UserEntity> {
    return this.change(id, (user) => this.accounts.enable(user, actor));
  }

  unlock(id: string, actor: EventActor): Promise<UserEntity> {
    return this.change(id, (user) => this.accounts.unlock(user, actor));
  }

  resetPassword(id: string, password: string, actor: EventActor): Promise<UserEntity> {
    return this.change(id, (user) => {
      if (user.passwordHash === NO_PASSWORD) throw new Conflict(`user '${user.username}' signs in through an upstream provider and has no password here`);
      return this.accounts.resetPassword(user, password, actor);
    });
  }

  setRoles(id: string, roles: string[], actor: EventActor): Promise<UserEntity> {
    return this.change(id, (user) => {
      if (user.roles.includes('admin') && !roles.includes('admin')) this.notSelf(user, actor, 'remove the admin role of');
      return this.accounts.setRoles(user, roles, actor);
    });
  }

  /** The person `id` names (404 when none), changed by UserAccountsService with its event. */
  private change(id: string, change: (user: UserEntity) => Promise<UserEntity>): Promise<UserEntity> {
    return changeFound(this.users.findById(id), userNamed(id), change);
  }

  /** An admin cannot lock themselves out (and so leave no admin by mistake); another admin can. */
  private notSelf(user: UserEntity, actor: EventActor, what: string): UserEntity {
    if (actor.subject === user.id) throw new Conflict(`you cannot ${what} your own account`);
    return user;
  }
}
