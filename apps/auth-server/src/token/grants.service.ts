import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { formatScope, sha256Base64Url } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { GrantEntity } from './grant.entity';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { AccessTokenRecordEntity } from './access-token-record.entity';

export interface NewAuthorization {
  userId: string;
  clientId: string;
  resource: string;
  scopes: string[];
  redirectUri: string;
  redirectUriGiven: boolean;
  codeChallenge: string;
}

export interface FamilyRevocation {
  grantId: string;
  /** Access tokens of the family that had not expired, now revoked. */
  accessTokens: { jti: string; expiresAt: number }[];
}

/** 256 bits from the CSPRNG, base64url: unguessable codes and refresh tokens. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Storage of grants (token families) and what hangs off them: authorization codes, refresh
 * tokens and the `jti`s of their access tokens. Codes and refresh tokens are stored only as
 * sha256 digests.
 */
@Injectable()
export class GrantsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  /** Creates the grant and its authorization code; returns the code (shown once). */
  async createWithCode(
    auth: NewAuthorization,
    record: (manager: EntityManager, expiresAt: number) => Promise<void>,
    now = Date.now(),
  ): Promise<{ code: string; grantId: string }> {
    const code = newOpaqueToken();
    const grantId = randomUUID();
    const expiresAt = now + this.config.AUTHORIZATION_CODE_TTL * 1000;
    await this.db.transaction(async (tx) => {
      await tx.insert(GrantEntity, {
        id: grantId,
        userId: auth.userId,
        clientId: auth.clientId,
        resource: auth.resource,
        scope: formatScope(auth.scopes),
        createdAt: now,
        revokedAt: null,
      });
      await tx.insert(AuthorizationCodeEntity, {
        codeHash: sha256Base64Url(code),
        grantId,
        clientId: auth.clientId,
        userId: auth.userId,
        redirectUri: auth.redirectUri,
        redirectUriGiven: auth.redirectUriGiven,
        resource: auth.resource,
        scope: formatScope(auth.scopes),
        codeChallenge: auth.codeChallenge,
        expiresAt,
        consumedAt: null,
      });
      await record(tx, expiresAt);
    });
    return { code, grantId };
  }

  /**
   * Marks a code consumed, atomically: of two concurrent exchanges exactly one wins. Returns
   * the code row, and whether this call consumed it (false = replay).
   */
  async consumeCode(code: string, now = Date.now()): Promise<{ row: AuthorizationCodeEntity; firstUse: boolean } | undefined> {
    const codeHash = sha256Base64Url(code);
    const codes = this.db.getRepository(AuthorizationCodeEntity);
    const row = await codes.findOne({ where: { codeHash } });
    if (!row) return undefined;
    // The guarded UPDATE is the atomic step: only one caller can move consumed_at from NULL.
    const result = await codes.update({ codeHash, consumedAt: IsNull() }, { consumedAt: now });
    return { row, firstUse: (result.affected ?? 0) === 1 };
  }

  findGrant(id: string): Promise<GrantEntity | null> {
    return this.db.getRepository(GrantEntity).findOne({ where: { id } });
  }

  async issueRefreshToken(grantId: string, scopes: string[], manager?: EntityManager, now = Date.now()): Promise<string> {
    const token = newOpaqueToken();
    await (manager ?? this.db.manager).insert(RefreshTokenEntity, {
      tokenHash: sha256Base64Url(token),
      grantId,
      scope: formatScope(scopes),
      expiresAt: now + this.config.REFRESH_TOKEN_TTL * 1000,
      rotatedAt: null,
      revokedAt: null,
    });
    return token;
  }

  findRefreshToken(token: string): Promise<RefreshTokenEntity | null> {
    return this.db.getRepository(RefreshTokenEntity).findOne({ where: { tokenHash: sha256Base64Url(token) } });
  }

  /**
   * Rotation (OAuth 2.1 §4.3.1): marks the presented token used and issues its successor in
   * one transaction. Only the first use sets `rotatedAt`; a second use inside the grace window
   * is allowed (and gets its own successor) but does not extend the window.
   */
  async rotateRefreshToken(current: RefreshTokenEntity, scopes: string[], manager: EntityManager, now = Date.now()): Promise<string> {
    await manager.update(RefreshTokenEntity, { tokenHash: current.tokenHash, rotatedAt: IsNull() }, { rotatedAt: now });
    return this.issueRefreshToken(current.grantId, scopes, manager, now);
  }

  /** Runs `work` in one transaction: what a grant issues is recorded together with its event. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * Inside an issuing transaction: confirms the grant is still live and holds its row lock
   * until commit. `revokeFamily` takes the same lock first, so revocation and issuance are
   * serialised: either the revocation sees (and revokes) the new token, or the issuance sees
   * the revocation and fails. Without this, a replayed code or a reused refresh token racing
   * a legitimate request could leave that request's access token alive.
   */
  async lockLiveGrant(grantId: string, manager: EntityManager): Promise<boolean> {
    const result = await manager.update(GrantEntity, { id: grantId, revokedAt: IsNull() }, { revokedAt: null });
    return (result.affected ?? 0) === 1;
  }

  async recordAccessToken(jti: string, grantId: string | null, clientId: string, expiresAt: number, manager?: EntityManager): Promise<void> {
    await (manager ?? this.db.manager).insert(AccessTokenRecordEntity, { jti, grantId, clientId, expiresAt, revokedAt: null });
  }

  /**
   * Revokes a grant and everything issued under it: refresh tokens, and access tokens by
   * `jti` (kept until they expire so resource servers can be told). Idempotent.
   */
  async revokeFamily(
    grantId: string,
    record: (revocation: FamilyRevocation, manager: EntityManager) => Promise<void>,
    now = Date.now(),
  ): Promise<FamilyRevocation> {
    return this.db.transaction(async (tx) => {
      await tx.update(GrantEntity, { id: grantId, revokedAt: IsNull() }, { revokedAt: now });
      await tx.update(RefreshTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt: now });
      const live = (await tx.find(AccessTokenRecordEntity, { where: { grantId, revokedAt: IsNull() } })).filter(
        (t) => t.expiresAt > now,
      );
      if (live.length > 0) await tx.update(AccessTokenRecordEntity, { jti: In(live.map((t) => t.jti)) }, { revokedAt: now });
      const revocation = { grantId, accessTokens: live.map((t) => ({ jti: t.jti, expiresAt: t.expiresAt })) };
      await record(revocation, tx);
      return revocation;
    });
  }

  /** Live grants of a client: what must be revoked when the client is deleted. */
  async liveGrantsOf(clientId: string): Promise<GrantEntity[]> {
    return this.db.getRepository(GrantEntity).find({ where: { clientId, revokedAt: IsNull() } });
  }

  /** Revokes one access token by jti (RFC 7009), remembered until it expires. */
  async revokeAccessToken(
    jti: string,
    clientId: string,
    expiresAt: number,
    record: (manager: EntityManager) => Promise<void>,
    now = Date.now(),
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const existing = await tx.findOne(AccessTokenRecordEntity, { where: { jti } });
      if (existing?.revokedAt) return;
      if (existing) await tx.update(AccessTokenRecordEntity, { jti }, { revokedAt: now });
      else await tx.insert(AccessTokenRecordEntity, { jti, grantId: null, clientId, expiresAt, revokedAt: now });
      await record(tx);
    });
  }

  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    const row = await this.db.getRepository(AccessTokenRecordEntity).findOne({ where: { jti } });
    return !!row?.revokedAt;
  }

  /** Access tokens revoked and not yet expired: what a resource server starting now must refuse. */
  async currentRevocations(now = Date.now()): Promise<{ jti: string; expiresAt: number }[]> {
    const rows = await this.db
      .getRepository(AccessTokenRecordEntity)
      .createQueryBuilder('t')
      .where('t.revoked_at IS NOT NULL AND t.expires_at > :now', { now })
      .getMany();
    return rows.map((r) => ({ jti: r.jti, expiresAt: r.expiresAt }));
  }
}
