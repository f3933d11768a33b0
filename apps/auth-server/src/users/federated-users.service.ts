import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { sha256Base64Url } from '@portcullis/oauth';
import { FederatedIdentityEntity } from './federated-identity.entity';
import { UserEntity } from './user.entity';

/** What an upstream OpenID Provider vouched for, after every check of the federation folder. */
export interface VouchedPerson {
  connectionId: string;
  issuer: string;
  subject: string;
  email?: string;
  name?: string;
}

/**
 * A federated user has no password: this value is no scrypt hash, so no password ever matches
 * it (users.service.ts answers such an account like a wrong password, at the same cost).
 */
export const NO_PASSWORD = '!federated';

/**
 * Local users for people an upstream OpenID Provider vouched for: found by (issuer, subject),
 * created on their first sign-in. Never linked by email, which an IdP may let anyone claim.
 *
 * Plain writes, no transaction: on SQLite, TypeORM's one connection cannot hold two overlapping
 * transactions (another store's would collide with ours). The unique (issuer, subject) index
 * decides a race, and the loser undoes its own user row.
 */
@Injectable()
export class FederatedUsersService {
  private readonly users: Repository<UserEntity>;
  private readonly identities: Repository<FederatedIdentityEntity>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.users = dataSource.getRepository(UserEntity);
    this.identities = dataSource.getRepository(FederatedIdentityEntity);
  }

  async signIn(person: VouchedPerson): Promise<{ user: UserEntity; created: boolean }> {
    const linked = await this.linkedUser(person);
    if (linked) return { user: linked, created: false };
    const user = await this.createUser(person);
    const now = Date.now();
    try {
      await this.identities.insert({
        id: randomUUID(),
        userId: user.id,
        issuer: person.issuer,
        subject: person.subject,
        connectionId: person.connectionId,
        email: person.email ?? null,
        name: person.name ?? null,
        createdAt: now,
        lastLoginAt: now,
      });
    } catch (err) {
      // Two first sign-ins of one person at once: the other one linked first; ours is undone.
      await this.users.delete({ id: user.id });
      const winner = await this.linkedUser(person);
      if (winner) return { user: winner, created: false };
      throw err;
    }
    return { user, created: true };
  }

  /** The user linked to (issuer, subject), with what the IdP said of them refreshed. */
  private async linkedUser(person: VouchedPerson): Promise<UserEntity | undefined> {
    const identity = await this.identities.findOne({ where: { issuer: person.issuer, subject: person.subject } });
    if (!identity) return undefined;
    const user = await this.users.findOne({ where: { id: identity.userId } });
    if (!user) {
      // The local user was deleted: the dangling link goes, and the person starts afresh.
      await this.identities.delete({ id: identity.id });
      return undefined;
    }
    await this.identities.update({ id: identity.id }, { email: person.email ?? null, name: person.name ?? null, lastLoginAt: Date.now() });
    return user;
  }

  /**
   * "<connection>/<email or name>": the slash keeps federated names apart from local ones
   * (which cannot contain it), so no upstream person can take a local user's name. A name
   * already taken gets a digest of (issuer, subject) added, unique to the person; should even
   * that be taken (the same person signing in twice at this moment), a random suffix.
   */
  private async createUser(person: VouchedPerson): Promise<UserEntity> {
    const readable = (person.email ?? person.name ?? '').replace(/[^\w.@+-]/g, '').slice(0, 80);
    const digest = sha256Base64Url(`${person.issuer}\n${person.subject}`).slice(0, 16);
    const base = `${person.connectionId}/${readable || digest}`;
    const names = [base, ...(readable ? [`${base}-${digest}`] : []), `${base}-${randomBytes(6).toString('base64url')}`];
    for (const [i, username] of names.entries()) {
      if (i < names.length - 1 && (await this.users.exists({ where: { username } }))) continue;
      const user = this.users.create({ id: randomUUID(), username, passwordHash: NO_PASSWORD, failedLogins: 0, lockedUntil: null, createdAt: Date.now(), roles: [], disabledAt: null });
      try {
        await this.users.insert(user);
        return user;
      } catch (err) {
        if (i === names.length - 1) throw err;
      }
    }
    throw new Error('unreachable: the last name either inserts or throws');
  }
}
