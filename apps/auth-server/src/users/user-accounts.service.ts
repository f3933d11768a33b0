import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { EventType, EventData } from '@portcullis/contracts';
import { AuditTrail } from '../audit/audit-trail';
import type { EventActor } from '../audit/event-actor';
import { UserEntity } from './user.entity';
import { hashPassword } from './password-hasher';
import { checkRoles } from './user-roles';
import { LoginThrottle } from './login-throttle';

type UserChange = EventData<typeof EventType.UserUpdated>['change'];

/**
 * Operator changes to a person's account (CLI, admin API): roles, disabling, password reset,
 * clearing the login delay. Each change is written with its auth.user.updated event, in one
 * transaction. Revoking the person's tokens when disabled is the caller's part (the token
 * side sits above this folder).
 */
@Injectable()
export class UserAccountsService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly audit: AuditTrail,
    private readonly throttle: LoginThrottle,
  ) {}

  async setRoles(user: UserEntity, roles: readonly string[], actor: EventActor): Promise<UserEntity> {
    const checked = checkRoles(roles);
    return this.change(user, { roles: checked }, 'roles_changed', actor, checked);
  }

  /** Disabled: no sign-in, no refresh (see users.service and refresh-token.grant). Idempotent. */
  async disable(user: UserEntity, actor: EventActor): Promise<UserEntity> {
    if (user.disabledAt) return user;
    return this.change(user, { disabledAt: Date.now() }, 'disabled', actor);
  }

  async enable(user: UserEntity, actor: EventActor): Promise<UserEntity> {
    if (!user.disabledAt) return user;
    return this.change(user, { disabledAt: null }, 'enabled', actor);
  }

  async resetPassword(user: UserEntity, password: string, actor: EventActor): Promise<UserEntity> {
    return this.change(user, { passwordHash: await hashPassword(password) }, 'password_reset', actor);
  }

  /** Clears the account's growing login delay (the account-wide counter of login-throttle.ts). */
  async unlock(user: UserEntity, actor: EventActor): Promise<UserEntity> {
    await this.throttle.clearAccount(user.username);
    return this.change(user, {}, 'unlocked', actor);
  }

  private async change(user: UserEntity, fields: Partial<UserEntity>, change: UserChange, actor: EventActor, roles?: string[]): Promise<UserEntity> {
    return this.users.manager.transaction(async (manager) => {
      if (Object.keys(fields).length > 0) await manager.update(UserEntity, { id: user.id }, fields);
      await this.audit.record({
        type: EventType.UserUpdated,
        subject: user.id,
        data: { subject: user.id, change, ...(roles ? { roles } : {}), actor },
        manager,
      });
      return Object.assign(user, fields);
    });
  }
}
