import { EntityManager, IsNull } from 'typeorm';
import { AccessTokenRecordEntity } from '../access-token-record.entity';
import { AuthorizationCodeEntity } from '../authorization-code.entity';
import { GrantEntity } from '../grant.entity';
import { RefreshTokenEntity } from '../refresh-token.entity';
import { Issuance, Redemption } from './token-store';
import { TypeOrmTokenStore } from './typeorm-token.store';

/**
 * The embedded engine (SQLite, in process): each change is one TypeORM transaction. SQLite
 * runs one write transaction at a time, so what PostgreSQL gets from row locks holds here by
 * construction (and in this process by running its transactions one at a time); the grant is
 * still "locked" by the same update, so the code reads the same.
 */
export class SqliteTokenStore extends TypeOrmTokenStore {
  /** The tail of the queue of this store's transactions. */
  private last: Promise<unknown> = Promise.resolve();

  /**
   * One transaction at a time: TypeORM gives better-sqlite3 a single connection, on which two
   * overlapping transactions would not be isolated (the second would start inside the first,
   * or fail to start at all). SQLite runs one writer at a time anyway.
   */
  protected override transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const run = this.last.then(() => this.db.transaction(work));
    this.last = run.catch(() => undefined);
    return run;
  }

  async redeemCode(code: AuthorizationCodeEntity, issuance?: Issuance, now = Date.now()): Promise<Redemption> {
    return this.transaction(async (tx) => {
      const spent = await tx.update(AuthorizationCodeEntity, { codeHash: code.codeHash, consumedAt: IsNull() }, { consumedAt: now });
      if ((spent.affected ?? 0) !== 1) return { outcome: 'replayed' };
      if (!issuance) return { outcome: 'spent' };
      const recorded = await this.recordIn(tx, issuance, now);
      return recorded ? { outcome: 'issued', refreshToken: recorded.refreshToken } : { outcome: 'revoked' };
    });
  }

  issue(issuance: Issuance, now = Date.now()): Promise<{ refreshToken?: string } | undefined> {
    return this.transaction((tx) => this.recordIn(tx, issuance, now));
  }

  /** The issuance as steps of the caller's transaction, under the grant's row lock. */
  private async recordIn(tx: EntityManager, issuance: Issuance, now: number): Promise<{ refreshToken?: string } | undefined> {
    const { grantId, clientId, accessToken } = issuance;
    if (issuance.rotates) {
      // The presented token as it is now, with this transaction the only writer: another
      // request may have spent it since the caller read it (a replay racing the first use).
      const token = await tx.findOne(RefreshTokenEntity, { where: { tokenHash: issuance.rotates.tokenHash } });
      const grant = token && (await tx.findOne(GrantEntity, { where: { id: token.grantId } }));
      const stored = token && grant ? { token, grant } : undefined;
      const use = this.refreshUse(stored, issuance, now);
      if (use === 'reused') await this.revokeGrantIn(tx, grantId, { clientId, subject: stored!.grant.userId, reason: 'refresh_reuse' }, now);
      if (use !== 'usable') return undefined;
    }
    // Confirms the grant is live and holds its row until commit (the lock revokeGrant takes
    // first); the same write records the use (SQLite rewrites the row either way).
    const live = await tx.update(GrantEntity, { id: grantId, revokedAt: IsNull() }, { lastUsedAt: now });
    if ((live.affected ?? 0) !== 1) return undefined;
    await tx.insert(AccessTokenRecordEntity, { jti: accessToken.jti, grantId, clientId, expiresAt: accessToken.expiresAt, revokedAt: null });
    if (issuance.rotates) {
      // Only the first use sets rotatedAt: a second use in the grace window does not extend it.
      await tx.update(RefreshTokenEntity, { tokenHash: issuance.rotates.tokenHash, rotatedAt: IsNull() }, { rotatedAt: now });
    }
    const refresh = this.newRefreshToken(issuance, now);
    if (refresh) await tx.insert(RefreshTokenEntity, { ...refresh.stored, grantId, rotatedAt: null, revokedAt: null });
    await this.audit.recordIn(tx, [issuance.event]);
    return { refreshToken: refresh?.token };
  }
}
