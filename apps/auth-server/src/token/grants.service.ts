import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { randomBytes, randomUUID } from 'node:crypto';
import { formatScope, sha256Base64Url } from '@portcullis/oauth';
import type { PortcullisEvent } from '@portcullis/contracts';
import { HotPathSql, outboxInsertFrom, outboxValues } from '@portcullis/events';
import { AuditTrail } from '../audit/audit-trail';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { GrantEntity } from './grant.entity';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { RefreshTokenEntity } from './refresh-token.entity';
import { AccessTokenRecordEntity } from './access-token-record.entity';
import { RecentCodes } from './recent-codes';
import { CodeExchangeBatch } from './code-exchange.batch';

export interface NewAuthorization {
  userId: string;
  clientId: string;
  resource: string;
  scopes: string[];
  redirectUri: string;
  redirectUriGiven: boolean;
  codeChallenge: string;
}

/** What one token request issues under a grant, recorded atomically by `recordIssuance`. */
export interface Issuance {
  grantId: string;
  clientId: string;
  /** The access token, by `jti` (so revoking the family can name it). */
  accessToken: { jti: string; expiresAt: number };
  /** Scope of a new refresh token of the family, when one is issued. */
  refreshScope?: readonly string[];
  /** Refresh rotation (OAuth 2.1 §4.3.1): the digest of the presented token, marked used. */
  rotates?: string;
  /** The event that records it (token.issued or token.refreshed), prepared and validated. */
  event: PortcullisEvent;
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
  private readonly sql: HotPathSql;
  private readonly recentCodes = new RecentCodes();
  private readonly codeExchanges: CodeExchangeBatch;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly audit: AuditTrail,
  ) {
    this.sql = new HotPathSql(db);
    this.codeExchanges = new CodeExchangeBatch(this.sql);
  }

  /** Creates the grant and its authorization code; returns the code (shown once). */
  async createWithCode(
    auth: NewAuthorization,
    record: (manager: EntityManager, expiresAt: number) => Promise<void>,
    now = Date.now(),
  ): Promise<{ code: string; grantId: string }> {
    const code = newOpaqueToken();
    const grantId = randomUUID();
    const expiresAt = now + this.config.authorizationCodeTtl * 1000;
    const codeRow = Object.assign(new AuthorizationCodeEntity(), {
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
      await tx.insert(AuthorizationCodeEntity, { ...codeRow });
      await record(tx, expiresAt);
    });
    this.recentCodes.remember(codeRow);
    return { code, grantId };
  }

  /**
   * Marks a code consumed, atomically: of two concurrent exchanges exactly one wins. Returns
   * the code row, and whether this call consumed it (false = replay). The winning case — every
   * honest exchange — is one statement (UPDATE … RETURNING); only a replayed or unknown code
   * pays for a second look.
   */
  async consumeCode(code: string, now = Date.now()): Promise<{ row: AuthorizationCodeEntity; firstUse: boolean } | undefined> {
    const codeHash = sha256Base64Url(code);
    const [consumed] = await this.sql.rows<CodeRow>(CONSUME_CODE, [now, codeHash]);
    if (consumed) return { row: codeFromRow(codeHash, consumed, now), firstUse: true };
    const row = await this.db.getRepository(AuthorizationCodeEntity).findOne({ where: { codeHash } });
    return row ? { row, firstUse: false } : undefined;
  }

  /**
   * The row of a code this process issued and has not seen presented yet (RecentCodes), for
   * the one-statement exchange; removed either way. Undefined: use consumeCode.
   */
  takeRecentCode(code: string, now = Date.now()): AuthorizationCodeEntity | undefined {
    return this.recentCodes.take(sha256Base64Url(code), now);
  }

  /**
   * The exchange of a code whose row is known (takeRecentCode) and checked: consumes the code
   * — only if still unused and unexpired — and records the issuance, atomically. `consumed:
   * false` means nothing happened (a concurrent or earlier use, or expiry): the caller falls
   * back to consumeCode, which tells replay from the rest. `refreshToken` is undefined with
   * `live: false` when the grant was revoked (the code is spent, nothing issued).
   */
  async exchangeCode(
    row: AuthorizationCodeEntity,
    issuance: Issuance,
    now = Date.now(),
  ): Promise<{ consumed: boolean; live: boolean; refreshToken?: string }> {
    if (this.sql.isPostgres) {
      // Group-committed with the other exchanges in flight (CodeExchangeBatch).
      const refresh = this.newRefreshToken(issuance, now);
      const outcome = await this.codeExchanges.run({
        codeHash: row.codeHash,
        grantId: issuance.grantId,
        clientId: issuance.clientId,
        accessToken: issuance.accessToken,
        refreshToken: refresh?.stored,
        event: issuance.event,
      });
      if (outcome.live) this.audit.outboxWritten();
      return { ...outcome, refreshToken: outcome.live ? refresh?.token : undefined };
    }
    return this.db.transaction(async (tx) => {
      const consumed = await tx
        .createQueryBuilder()
        .update(AuthorizationCodeEntity)
        .set({ consumedAt: now })
        .where('code_hash = :codeHash AND consumed_at IS NULL AND expires_at > :now', { codeHash: row.codeHash, now })
        .execute();
      if ((consumed.affected ?? 0) !== 1) return { consumed: false, live: false };
      const recorded = await this.recordIssuanceIn(tx, issuance, now);
      return { consumed: true, live: recorded !== undefined, refreshToken: recorded?.refreshToken };
    });
  }

  findGrant(id: string): Promise<GrantEntity | null> {
    return this.db.getRepository(GrantEntity).findOne({ where: { id } });
  }

  findRefreshToken(token: string): Promise<RefreshTokenEntity | null> {
    return this.db.getRepository(RefreshTokenEntity).findOne({ where: { tokenHash: sha256Base64Url(token) } });
  }

  /**
   * Records what a token request issued — the access token's `jti`, the refresh token (new,
   * and the rotated one marked used) and the event — atomically, under the grant's row lock.
   * Returns the new refresh token, or `undefined` when the grant was revoked meanwhile (then
   * nothing is written). `revokeFamily` takes the same lock first, so the two are serialised:
   * either the revocation sees (and revokes) the new tokens, or the issuance sees the
   * revocation — a replayed code or reused refresh token racing a legitimate request cannot
   * leave that request's tokens alive.
   *
   * PostgreSQL: one statement (a data-modifying WITH), so one round trip and one commit per
   * token. SQLite (in process): one transaction.
   */
  async recordIssuance(issuance: Issuance, now = Date.now()): Promise<{ refreshToken?: string } | undefined> {
    if (this.sql.isPostgres) {
      const values = this.issuanceValues(issuance, now);
      const [{ live }] = await this.sql.rows<{ live: number }>(RECORD_ISSUANCE, values.params);
      if (live !== 1) return undefined;
      this.audit.outboxWritten();
      return { refreshToken: values.refreshToken };
    }
    return this.db.transaction((tx) => this.recordIssuanceIn(tx, issuance, now));
  }

  /** Parameters $1–$13 of RECORD_ISSUANCE, with the new refresh token. */
  private issuanceValues(issuance: Issuance, now: number): { params: unknown[]; refreshToken?: string } {
    const refresh = this.newRefreshToken(issuance, now);
    const params = [
      issuance.grantId,
      issuance.accessToken.jti,
      issuance.clientId,
      issuance.accessToken.expiresAt,
      refresh?.stored.tokenHash ?? null,
      refresh?.stored.scope ?? null,
      refresh?.stored.expiresAt ?? null,
      issuance.rotates ?? null,
      now,
      ...outboxValues(issuance.event, now),
    ];
    return { params, refreshToken: refresh?.token };
  }

  /** The refresh token an issuance includes, if any: the value (shown once) and what is stored. */
  private newRefreshToken(issuance: Issuance, now: number) {
    if (!issuance.refreshScope) return undefined;
    const token = newOpaqueToken();
    const stored = { tokenHash: sha256Base64Url(token), scope: formatScope(issuance.refreshScope), expiresAt: now + this.config.refreshTokenTtl * 1000 };
    return { token, stored };
  }

  /** recordIssuance as steps of a transaction (SQLite). */
  private async recordIssuanceIn(tx: EntityManager, issuance: Issuance, now: number): Promise<{ refreshToken?: string } | undefined> {
    if (!(await this.lockLiveGrant(issuance.grantId, tx))) return undefined;
    await this.recordAccessToken(issuance.accessToken.jti, issuance.grantId, issuance.clientId, issuance.accessToken.expiresAt, tx);
    if (issuance.rotates) {
      // Only the first use sets rotatedAt: a second use in the grace window does not extend it.
      await tx.update(RefreshTokenEntity, { tokenHash: issuance.rotates, rotatedAt: IsNull() }, { rotatedAt: now });
    }
    const refresh = this.newRefreshToken(issuance, now);
    if (refresh) await tx.insert(RefreshTokenEntity, { ...refresh.stored, grantId: issuance.grantId, rotatedAt: null, revokedAt: null });
    await this.audit.recordPrepared(issuance.event, tx);
    return { refreshToken: refresh?.token };
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

/** Columns of authorization_codes as a hot-path statement returns them (pg: bigint as string, SQLite: boolean as 0/1). */
interface CodeRow {
  grant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  redirect_uri_given: boolean | number;
  resource: string;
  scope: string;
  code_challenge: string;
  expires_at: string | number;
}

const CONSUME_CODE = {
  name: 'portcullis_consume_code',
  text:
    'UPDATE "authorization_codes" SET "consumed_at" = $1 WHERE "code_hash" = $2 AND "consumed_at" IS NULL ' +
    'RETURNING "grant_id", "client_id", "user_id", "redirect_uri", "redirect_uri_given", "resource", "scope", "code_challenge", "expires_at"',
};

function codeFromRow(codeHash: string, r: CodeRow, consumedAt: number): AuthorizationCodeEntity {
  return Object.assign(new AuthorizationCodeEntity(), {
    codeHash,
    grantId: r.grant_id,
    clientId: r.client_id,
    userId: r.user_id,
    redirectUri: r.redirect_uri,
    redirectUriGiven: r.redirect_uri_given === true || r.redirect_uri_given === 1,
    resource: r.resource,
    scope: r.scope,
    codeChallenge: r.code_challenge,
    expiresAt: Number(r.expires_at),
    consumedAt,
  });
}

/**
 * PostgreSQL: the whole of `recordIssuance` in one statement (one round trip, one commit).
 * `live` yields the grant row, locked, only if the grant is not revoked (FOR UPDATE: under
 * READ COMMITTED a concurrent revocation is waited for and re-checked). Every write reads
 * from `live`, so a revoked grant gets nothing written. Parameters: $1 grant, $2–$4 access
 * token (jti, client, expiry), $5–$7 new refresh token (digest or null, scope, expiry),
 * $8–$9 rotated token (digest or null, when), $10–$13 the outbox row. Code exchanges have
 * their own, grouped form (CodeExchangeBatch).
 */
const RECORD_ISSUANCE = {
  name: 'portcullis_record_issuance',
  text: `WITH live AS (
    SELECT "id" FROM "grants" WHERE "id" = $1::varchar AND "revoked_at" IS NULL FOR UPDATE
  ), access_token AS (
    INSERT INTO "access_tokens" ("jti", "grant_id", "client_id", "expires_at")
    SELECT $2::varchar, "id", $3::varchar, $4::bigint FROM live
  ), new_refresh AS (
    INSERT INTO "refresh_tokens" ("token_hash", "grant_id", "scope", "expires_at")
    SELECT $5::varchar, "id", $6::text, $7::bigint FROM live WHERE $5::varchar IS NOT NULL
  ), rotated AS (
    UPDATE "refresh_tokens" SET "rotated_at" = $9::bigint
    WHERE "token_hash" = $8::varchar AND "rotated_at" IS NULL AND EXISTS (SELECT 1 FROM live)
  ), event AS (
    ${outboxInsertFrom('live', 10)}
  )
  SELECT COUNT(*)::int AS "live" FROM live`,
};
