import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { UserEntity } from './user.entity';
import { decoyHash, hashPassword, verifyPassword } from './password-hasher';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { NO_PASSWORD } from './federated-users.service';
import { EventType } from '@portcullis/contracts';
import { AuditTrail } from '../audit/audit-trail';
import type { EventActor } from '../audit/event-actor';
import { checkRoles } from './user-roles';

export type LoginResult =
  | { ok: true; user: UserEntity }
  | { ok: false; reason: 'unknown_user' | 'bad_password' | 'disabled'; username: string };

export const USERNAME = /^[A-Za-z0-9._@-]{1,128}$/;

export interface NewUser {
  username: string;
  password: string;
  roles?: readonly string[];
  actor: EventActor;
}

/** The local user store: people who log in at the authorization endpoint. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly audit: AuditTrail,
  ) {}

  /** BOOTSTRAP_USERS creates users that do not exist yet; existing ones are left alone. */
  async onApplicationBootstrap(): Promise<void> {
    for (const { username, password, roles } of this.config.bootstrapUsers) {
      if (!(await this.users.findOne({ where: { username } }))) {
        await this.create({ username, password, roles, actor: { via: 'bootstrap' } });
        this.logger.log(`created bootstrap user ${username}${roles.length > 0 ? ` (${roles.join(' ')})` : ''}`);
      }
    }
  }

  /** A new person who signs in with a password; auth.user.created in the same transaction. */
  async create(input: NewUser): Promise<UserEntity> {
    const { username, password, actor } = input;
    if (!USERNAME.test(username)) throw new Error('username may use letters, digits and . _ @ - (at most 128)');
    if (password.length < 3) throw new Error('password is too short');
    const roles = checkRoles(input.roles ?? []);
    // Told before the insert, in words; the unique index still decides a race.
    if (await this.users.exists({ where: { username } })) throw new Error(`user '${username}' already exists`);
    const user = this.users.create({
      id: randomUUID(),
      username,
      passwordHash: await hashPassword(password),
      failedLogins: 0,
      lockedUntil: null,
      createdAt: Date.now(),
      roles,
      disabledAt: null,
    });
    return this.users.manager.transaction(async (manager) => {
      const saved = await manager.save(user);
      await this.audit.record({ type: EventType.UserCreated, subject: user.id, data: { subject: user.id, username, roles, actor }, manager });
      return saved;
    });
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return USERNAME.test(username) ? this.users.findOne({ where: { username } }) : Promise.resolve(null);
  }

  findById(id: string): Promise<UserEntity | null> {
    // Subjects that are no local person (jwt-bearer) can be longer than an id.
    if (id.length > 36) return Promise.resolve(null);
    return this.users.findOne({ where: { id } });
  }

  /**
   * Checks a password. An unknown (or malformed) username is verified against a decoy hash, so
   * the answer costs the same time either way; how often one may try is LoginThrottle's job,
   * which treats known and unknown names alike.
   */
  async login(username: string, password: string): Promise<LoginResult> {
    const user = USERNAME.test(username) ? await this.users.findOne({ where: { username } }) : null;
    if (!user) {
      await verifyPassword(password, await decoyHash());
      return { ok: false, reason: 'unknown_user', username };
    }
    // A federated user (NO_PASSWORD) is checked against the decoy: no password opens it.
    const hash = user.passwordHash === NO_PASSWORD ? await decoyHash() : user.passwordHash;
    if (!(await verifyPassword(password, hash)) || user.passwordHash === NO_PASSWORD) return { ok: false, reason: 'bad_password', username };
    // Told only to whoever knows the password: it reveals nothing to a guesser.
    if (user.disabledAt) return { ok: false, reason: 'disabled', username };
    return { ok: true, user };
  }
}
