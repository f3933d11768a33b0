import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { UserEntity } from './user.entity';
import { decoyHash, hashPassword, verifyPassword } from './password-hasher';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { NO_PASSWORD } from './federated-users.service';

export type LoginResult =
  | { ok: true; user: UserEntity }
  | { ok: false; reason: 'unknown_user' | 'bad_password'; username: string };

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
    for (const { username, password } of this.config.bootstrapUsers) {
      if (!(await this.users.findOne({ where: { username } }))) {
        await this.create(username, password);
        this.logger.log(`created bootstrap user ${username}`);
      }
    }
  }

  async create(username: string, password: string): Promise<UserEntity> {
    if (!USERNAME.test(username)) throw new Error('username may use letters, digits and . _ @ - (at most 128)');
    if (password.length < 3) throw new Error('password is too short');
    // Told before the insert, in words; the unique index still decides a race.
    if (await this.users.exists({ where: { username } })) throw new Error(`user '${username}' already exists`);
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
    return { ok: true, user };
  }
}
