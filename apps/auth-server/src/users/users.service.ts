import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { UserEntity } from './user.entity';
import { decoyHash, hashPassword, verifyPassword } from './password-hasher';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';

export type LoginResult =
  | { ok: true; user: UserEntity }
  | { ok: false; reason: 'unknown_user' | 'bad_password' | 'locked_out'; username: string };

const USERNAME = /^[A-Za-z0-9._@-]{1,128}$/;

/** The local user store: people who log in at the authorization endpoint. */
@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** BOOTSTRAP_USERS creates users that do not exist yet; existing ones are left alone. */
  async onApplicationBootstrap(): Promise<void> {
    for (const { username, password } of this.config.BOOTSTRAP_USERS) {
      if (!(await this.users.findOne({ where: { username } }))) {
        await this.create(username, password);
        this.logger.log(`created bootstrap user ${username}`);
      }
    }
  }

  async create(username: string, password: string): Promise<UserEntity> {
    if (!USERNAME.test(username)) throw new Error('username may use letters, digits and . _ @ - (at most 128)');
    if (password.length < 3) throw new Error('password is too short');
    const user = this.users.create({
      id: randomUUID(),
      username,
      passwordHash: await hashPassword(password),
      failedLogins: 0,
      lockedUntil: null,
      createdAt: Date.now(),
    });
    return this.users.save(user);
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  /**
   * Checks a login. After LOGIN_MAX_FAILURES consecutive failures the account is locked for
   * LOGIN_LOCKOUT_SECONDS (OWASP ASVS 2.2.1); the lock answers like a wrong password plus a
   * notice, and an unknown user costs as much time as a known one.
   */
  async login(username: string, password: string, now = Date.now()): Promise<LoginResult> {
    const user = USERNAME.test(username) ? await this.users.findOne({ where: { username } }) : null;
    if (!user) {
      await verifyPassword(password, await decoyHash());
      return { ok: false, reason: 'unknown_user', username };
    }
    if (user.lockedUntil && user.lockedUntil > now) return { ok: false, reason: 'locked_out', username };
    if (!(await verifyPassword(password, user.passwordHash))) {
      const failures = user.failedLogins + 1;
      const locked = failures >= this.config.LOGIN_MAX_FAILURES;
      await this.users.update(
        { id: user.id },
        { failedLogins: locked ? 0 : failures, lockedUntil: locked ? now + this.config.LOGIN_LOCKOUT_SECONDS * 1000 : null },
      );
      return { ok: false, reason: locked ? 'locked_out' : 'bad_password', username };
    }
    if (user.failedLogins > 0 || user.lockedUntil) await this.users.update({ id: user.id }, { failedLogins: 0, lockedUntil: null });
    return { ok: true, user };
  }
}
