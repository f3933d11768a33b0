import { DataSource } from 'typeorm';
import { sha256Base64Url } from '@portcullis/oauth';
import { HotPathSql, outboxEventParams, outboxInsertPerRow } from '@portcullis/events';
import type { AuditTrail } from '../../audit/audit-trail';
import type { AuthConfig } from '../../config/auth-config';
import { AuthorizationCodeEntity } from '../authorization-code.entity';
import { GrantEntity } from '../grant.entity';
import { RefreshTokenEntity } from '../refresh-token.entity';
import { CodeExchangeBatch } from './code-exchange.batch';
import { RecentCodes } from './recent-codes';
import { LAST_USED_RESOLUTION_MS, RefreshRotationBatch } from './refresh-rotation.batch';
import { Issuance, Redemption, StoredRefreshToken } from './token-store';
import { TypeOrmTokenStore } from './typeorm-token.store';

/**
 * PostgreSQL, built for many requests at once. The hot writes are single statements (a
 * data-modifying WITH: one round trip, one commit) sent as named prepared statements
 * (HotPathSql), each writing its event with it (libs/events outbox-statement):
 * - a code this process issued is found in memory (RecentCodes), not read back;
 * - code exchanges arriving together share one statement and one commit (CodeExchangeBatch);
 * - a refresh reads its token and grant with one statement (FIND_REFRESH_TOKEN); refreshes
 *   arriving together are then rotated by one statement and one commit (RefreshRotationBatch),
 *   which spends each presented token only if it is still usable;
 * - other issuances are recorded by one statement each (RECORD_ISSUANCE).
 * Row locks give what SQLite gets by running one writer: `FOR UPDATE` on the grant row, the
 * lock revokeGrant's update takes first.
 */
export class PostgresTokenStore extends TypeOrmTokenStore {
  private readonly sql: HotPathSql;
  private readonly recentCodes = new RecentCodes();
  private readonly exchanges: CodeExchangeBatch;
  private readonly rotations: RefreshRotationBatch;

  constructor(db: DataSource, audit: AuditTrail, config: Pick<AuthConfig, 'refreshTokenTtl'> & Partial<Pick<AuthConfig, 'refreshGraceSeconds'>>) {
    super(db, audit, config);
    this.sql = new HotPathSql(db);
    this.exchanges = new CodeExchangeBatch(this.sql);
    this.rotations = new RefreshRotationBatch(this.sql, this.graceMs);
  }

  protected override codeIssued(row: AuthorizationCodeEntity): void {
    this.recentCodes.remember(row);
  }

  /**
   * A code is presented seconds after it is issued, usually to the process that issued it:
   * then its row is at hand. The database stays the authority — redeemCode spends the code
   * only if it is still unused — so a miss (another replica, a restart) only costs a read.
   */
  override async findCode(code: string): Promise<AuthorizationCodeEntity | undefined> {
    const codeHash = sha256Base64Url(code);
    return this.recentCodes.take(codeHash) ?? (await this.findCodeByDigest(codeHash));
  }

  override async findRefreshToken(value: string): Promise<StoredRefreshToken | undefined> {
    return this.findRefreshTokenByDigest(sha256Base64Url(value));
  }

  private async findRefreshTokenByDigest(tokenHash: string): Promise<StoredRefreshToken | undefined> {
    const [row] = await this.sql.rows<RefreshTokenRow>(FIND_REFRESH_TOKEN, [tokenHash]);
    if (!row) return undefined;
    const token = Object.assign(new RefreshTokenEntity(), {
      tokenHash: row.token_hash,
      grantId: row.grant_id,
      scope: row.scope,
      expiresAt: Number(row.expires_at),
      rotatedAt: epochOrNull(row.rotated_at),
      revokedAt: epochOrNull(row.revoked_at),
    });
    const grant = Object.assign(new GrantEntity(), {
      id: row.grant_id,
      userId: row.user_id,
      clientId: row.client_id,
      resource: row.resource,
      scope: row.grant_scope,
      createdAt: Number(row.created_at),
      revokedAt: epochOrNull(row.grant_revoked_at),
      lastUsedAt: epochOrNull(row.last_used_at),
    });
    return { token, grant };
  }

  async redeemCode(code: AuthorizationCodeEntity, issuance?: Issuance, now = Date.now()): Promise<Redemption> {
    if (!issuance) {
      const spent = await this.sql.rows(SPEND_CODE, [now, code.codeHash]);
      return { outcome: spent.length === 1 ? 'spent' : 'replayed' };
    }
    const refresh = this.newRefreshToken(issuance, now);
    const outcome = await this.exchanges.run({
      codeHash: code.codeHash,
      grantId: issuance.grantId,
      clientId: issuance.clientId,
      accessToken: issuance.accessToken,
      refreshToken: refresh?.stored,
      event: this.audit.build(issuance.event),
    });
    if (!outcome.consumed) return { outcome: 'replayed' };
    if (!outcome.live) return { outcome: 'revoked' };
    this.audit.written();
    return { outcome: 'issued', refreshToken: refresh?.token };
  }

  async issue(issuance: Issuance, now = Date.now()): Promise<{ refreshToken?: string } | undefined> {
    if (issuance.rotates) return this.rotate(issuance, issuance.rotates.tokenHash, now);
    const refresh = this.newRefreshToken(issuance, now);
    const [{ live }] = await this.sql.rows<{ live: number }>(RECORD_ISSUANCE, [
      issuance.grantId,
      issuance.accessToken.jti,
      issuance.clientId,
      issuance.accessToken.expiresAt,
      refresh?.stored.tokenHash ?? null,
      refresh?.stored.scope ?? null,
      refresh?.stored.expiresAt ?? null,
      now,
      ...outboxEventParams(this.audit.build(issuance.event), now),
    ]);
    if (live !== 1) return undefined;
    this.audit.written();
    return { refreshToken: refresh?.token };
  }

  /**
   * Refresh rotation (OAuth 2.1 §4.3.1): the presented token is spent, and the tokens
   * recorded, only if at that moment, under the grant's lock, the token is still usable. The
   * caller checked a copy read moments before; when another request spent it in between
   * (a replay racing the first use), nothing is issued, and if that makes this presentation
   * a reuse past the grace window the family is revoked here, as the grant handler does when
   * it sees the reuse itself.
   */
  private async rotate(issuance: Issuance, presentedHash: string, now: number): Promise<{ refreshToken?: string } | undefined> {
    const refresh = this.newRefreshToken(issuance, now);
    const spent = await this.rotations.run({
      presentedHash,
      grantId: issuance.grantId,
      clientId: issuance.clientId,
      accessToken: issuance.accessToken,
      refreshToken: refresh?.stored,
      now,
      event: this.audit.build(issuance.event),
    });
    if (spent) {
      this.audit.written();
      return { refreshToken: refresh?.token };
    }
    await this.revokeIfReused(issuance, presentedHash, now);
    return undefined;
  }

  /** A refused rotation, read again now that the rotation that beat it has committed. */
  private async revokeIfReused(issuance: Issuance, presentedHash: string, now: number): Promise<void> {
    const stored = await this.findRefreshTokenByDigest(presentedHash);
    if (this.refreshUse(stored, issuance, now) !== 'reused') return;
    await this.revokeGrant(issuance.grantId, { clientId: issuance.clientId, subject: stored!.grant.userId, reason: 'refresh_reuse' });
  }
}

/** bigint columns arrive from pg as strings. */
function epochOrNull(value: string | null): number | null {
  return value === null ? null : Number(value);
}

/** A refresh token and its grant as FIND_REFRESH_TOKEN returns them. */
interface RefreshTokenRow {
  token_hash: string;
  grant_id: string;
  scope: string;
  expires_at: string;
  rotated_at: string | null;
  revoked_at: string | null;
  user_id: string;
  client_id: string;
  resource: string;
  grant_scope: string;
  created_at: string;
  grant_revoked_at: string | null;
  last_used_at: string | null;
}

const FIND_REFRESH_TOKEN = {
  name: 'portcullis_find_refresh_token',
  text:
    'SELECT t."token_hash", t."grant_id", t."scope", t."expires_at", t."rotated_at", t."revoked_at", ' +
    'g."user_id", g."client_id", g."resource", g."scope" AS "grant_scope", g."created_at", g."revoked_at" AS "grant_revoked_at", g."last_used_at" ' +
    'FROM "refresh_tokens" t JOIN "grants" g ON g."id" = t."grant_id" WHERE t."token_hash" = $1',
};

/** A code presented that failed its checks is spent all the same (one try per code). */
const SPEND_CODE = {
  name: 'portcullis_spend_code',
  text: 'UPDATE "authorization_codes" SET "consumed_at" = $1 WHERE "code_hash" = $2 AND "consumed_at" IS NULL RETURNING "code_hash"',
};

/**
 * A whole issuance that rotates nothing, in one statement. `live` yields the grant row,
 * locked, only if the grant is not revoked (FOR UPDATE: under READ COMMITTED a concurrent
 * revocation is waited for and re-checked); every write reads from `live`, so a revoked grant
 * gets nothing written. $1 grant, $2–$4 access token (jti, client, expiry), $5–$7 new refresh
 * token (digest or null, scope, expiry), $8 now (also the grant's last use, unless the stamp
 * is under a minute old: a grant used often is rewritten at most once a minute), $9–$12 the
 * event.
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
  ), used AS (
    UPDATE "grants" SET "last_used_at" = $8::bigint
    WHERE "id" = $1::varchar AND EXISTS (SELECT 1 FROM live)
      AND ("last_used_at" IS NULL OR "last_used_at" <= $8::bigint - ${LAST_USED_RESOLUTION_MS})
  ), event AS (
    ${outboxInsertPerRow('live', 9)}
  )
  SELECT COUNT(*)::int AS "live" FROM live`,
};
