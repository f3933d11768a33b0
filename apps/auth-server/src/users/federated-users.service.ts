import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
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
 */
@Injectable()
export class FederatedUsersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async signIn(person: VouchedPerson): Promise<{ user: UserEntity; created: boolean }> {
    try {
      return await this.dataSource.transaction((manager) => this.findOrCreate(manager, person));
    } catch (err) {
      // Two first sign-ins of the same person at once: the loser's insert breaks the unique
      // (issuer, subject) index; the winner's row is the person's.
      const existing = await this.dataSource.transaction((manager) => this.findOrCreate(manager, person, false));
      if (existing) return existing;
      throw err;
    }
  }

  private async findOrCreate(manager: EntityManager, person: VouchedPerson): Promise<{ user: UserEntity; created: boolean }>;
  private async findOrCreate(manager: EntityManager, person: VouchedPerson, create: false): Promise<{ user: UserEntity; created: boolean } | undefined>;
  private async findOrCreate(manager: EntityManager, person: VouchedPerson, create = true): Promise<{ user: UserEntity; created: boolean } | undefined> {
    const now = Date.now();
    const identities = manager.getRepository(FederatedIdentityEntity);
    const users = manager.getRepository(UserEntity);
    const identity = await identities.findOne({ where: { issuer: person.issuer, subject: person.subject } });
    if (identity) {
      const user = await users.findOne({ where: { id: identity.userId } });
      if (user) {
        await identities.update({ id: identity.id }, { email: person.email ?? null, name: person.name ?? null, lastLoginAt: now });
        return { user, created: false };
      }
    }
    if (!create) return undefined;
    const user = users.create({
      id: randomUUID(),
      username: await this.freeUsername(manager, person),
      passwordHash: NO_PASSWORD,
      failedLogins: 0,
      lockedUntil: null,
      createdAt: now,
    });
    await users.insert(user);
    if (identity) {
      // The linked user was deleted: the identity is re-attached to a fresh one.
      await identities.update({ id: identity.id }, { userId: user.id, lastLoginAt: now });
    } else {
      await identities.insert({
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
    }
    return { user, created: true };
  }

  /**
   * "<connection>/<email or name>": the slash keeps federated names apart from local ones
   * (which cannot contain it), so no upstream person can take a local user's name. A name
   * already taken gets a digest of (issuer, subject) instead.
   */
  private async freeUsername(manager: EntityManager, person: VouchedPerson): Promise<string> {
    const readable = (person.email ?? person.name ?? '').replace(/[^\w.@+-]/g, '').slice(0, 80);
    const digest = sha256Base64Url(`${person.issuer}\n${person.subject}`).slice(0, 16);
    const first = `${person.connectionId}/${readable || digest}`;
    if (!(await manager.getRepository(UserEntity).exists({ where: { username: first } }))) return first;
    return `${person.connectionId}/${readable ? `${readable}-` : ''}${digest}`;
  }
}
