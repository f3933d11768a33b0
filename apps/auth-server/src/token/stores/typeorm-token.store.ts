import { DataSource, EntityManager, In, IsNull } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { formatScope, sha256Base64Url } from '@portcullis/oauth';
import type { AuditEvent, AuditTrail } from '../../audit/audit-trail';
import { AuthConfig, DEFAULT_REFRESH_GRACE_SECONDS } from '../../config/auth-config';
import { AccessTokenRecordEntity } from '../access-token-record.entity';
import { AuthorizationCodeEntity } from '../authorization-code.entity';
import { GrantEntity } from '../grant.entity';
import { RefreshTokenEntity } from '../refresh-token.entity';
import { AccessTokenRevocation, accessTokenRevoked as accessTokenRevokedEvent, familyRevoked, RevocationCause } from '../token-events';
import { GrantRevocation, GrantToRevoke, Issuance, NewAuthorization, newOpaqueToken, StoredRefreshToken, TokenStore } from './token-store';

/**
 * What both engines do alike, through TypeORM: the writes that are not on the hot path (a
 * code issued after a person's consent, revocations) and the reads. Each engine's store adds
 * the code exchange and the issuance (sqlite-token.store.ts, postgres-token.store.ts).
 */
export abstract class TypeOrmTokenStore extends TokenStore {
  /** How long a rotated-out refresh token may still be spent (RFC 9700 §4.14.2; 0: never). */
  protected readonly graceMs: number;

  /** `refreshGraceSeconds` as AUTH_CONFIG has it (its default when left out). */
  constructor(
    protected readonly db: DataSource,
    protected readonly audit: AuditTrail,
    private readonly config: Pick<AuthConfig, 'refreshTokenTtl'> & Partial<Pick<AuthConfig, 'refreshGraceSeconds'>>,
  ) {
    super();
    this.graceMs = (config.refreshGraceSeconds ?? DEFAULT_REFRESH_GRACE_SECONDS) * 1000;
  }

  async issueCode(auth: NewAuthorization, events: readonly AuditEvent[], now = Date.now()): Promise<{ code: string; grantId: string }> {
    const code = newOpaqueToken();
    const grantId = randomUUID();
    const scope = formatScope(auth.scopes);
    const row = Object.assign(new AuthorizationCodeEntity(), {
      codeHash: sha256Base64Url(code),
      grantId,
      clientId: auth.clientId,
      userId: auth.userId,
      redirectUri: auth.redirectUri,
      redirectUriGiven: auth.redirectUriGiven,
      resource: auth.resource,
      scope,
      codeChallenge: auth.codeChallenge,
      expiresAt: auth.expiresAt,
      consumedAt: null,
    });
    await this.transaction(async (tx) => {
      await tx.insert(GrantEntity, { id: grantId, userId: auth.userId, clientId: auth.clientId, resource: auth.resource, scope, createdAt: now, revokedAt: null });
      await tx.insert(AuthorizationCodeEntity, { ...row });
      await this.audit.recordIn(tx, events);
    });
    this.codeIssued(row);
    return { code, grantId };
  }

  /** Runs `work` as one transaction of this store. */
  protected transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /** After a code's grant and row were committed (the PostgreSQL store remembers it). */
  protected codeIssued(_row: AuthorizationCodeEntity): void {
    // Nothing to remember by default.
  }

  findCode(code: string): Promise<AuthorizationCodeEntity | undefined> {
    return this.findCodeByDigest(sha256Base64Url(code));
  }

  protected async findCodeByDigest(codeHash: string): Promise<AuthorizationCodeEntity | undefined> {
    return (await this.db.getRepository(AuthorizationCodeEntity).findOne({ where: { codeHash } })) ?? undefined;
  }

  async findRefreshToken(value: string): Promise<StoredRefreshToken | undefined> {
    const token = await this.db.getRepository(RefreshTokenEntity).findOne({ where: { tokenHash: sha256Base64Url(value) } });
    const grant = token && (await this.db.getRepository(GrantEntity).findOne({ where: { id: token.grantId } }));
    return token && grant ? { token, grant } : undefined;
  }

  async revokeGrant(grantId: string, cause: RevocationCause, now = Date.now()): Promise<GrantRevocation> {
    return this.transaction((tx) => this.revokeGrantIn(tx, grantId, cause, now));
  }

  /**
   * The grants in id order, so that two such transactions take their row locks in the same
   * order and never wait on each other in a cycle (issuance holds one grant's lock only).
   */
  async revokeGrants(grants: readonly GrantToRevoke[], now = Date.now()): Promise<GrantRevocation[]> {
    if (grants.length === 0) return [];
    const ordered = [...grants].sort((a, b) => (a.grantId < b.grantId ? -1 : a.grantId > b.grantId ? 1 : 0));
    const done = new Map<string, GrantRevocation>();
    await this.transaction(async (tx) => {
      for (const { grantId, cause } of ordered) if (!done.has(grantId)) done.set(grantId, await this.revokeGrantIn(tx, grantId, cause, now));
    });
    return grants.map((g) => done.get(g.grantId) as GrantRevocation);
  }

  /**
   * Takes the grant's row lock first — the lock issuance takes — then revokes the grant, its
   * refresh tokens and its access tokens by `jti` (kept until they expire so resource servers
   * can be told), with its events, in `tx`.
   */
  protected async revokeGrantIn(tx: EntityManager, grantId: string, cause: RevocationCause, now: number): Promise<GrantRevocation> {
    const ended = await tx.update(GrantEntity, { id: grantId, revokedAt: IsNull() }, { revokedAt: now });
    await tx.update(RefreshTokenEntity, { grantId, revokedAt: IsNull() }, { revokedAt: now });
    const live = (await tx.find(AccessTokenRecordEntity, { where: { grantId, revokedAt: IsNull() } })).filter((t) => t.expiresAt > now);
    if (live.length > 0) await tx.update(AccessTokenRecordEntity, { jti: In(live.map((t) => t.jti)) }, { revokedAt: now });
    const accessTokens = live.map((t) => ({ jti: t.jti, expiresAt: t.expiresAt }));
    const withdrawn = (ended.affected ?? 0) === 1;
    await this.audit.recordIn(tx, familyRevoked({ grantId, accessTokens }, cause, now, withdrawn));
    return { grantId, accessTokens, withdrawn };
  }

  /** Every live grant of a client, in one transaction (RFC 7592 §2.3: the client is being deleted). */
  async revokeGrantsOfClient(clientId: string): Promise<void> {
    const grants = await this.db.getRepository(GrantEntity).find({ where: { clientId, revokedAt: IsNull() } });
    await this.revokeGrants(grants.map((grant) => ({ grantId: grant.id, cause: { clientId, subject: grant.userId, reason: 'client_deleted' } })));
  }

  async revokeAccessToken(token: AccessTokenRevocation, now = Date.now()): Promise<void> {
    const { jti, clientId, expiresAt } = token;
    await this.transaction(async (tx) => {
      const existing = await tx.findOne(AccessTokenRecordEntity, { where: { jti } });
      if (existing?.revokedAt) return;
      if (existing) await tx.update(AccessTokenRecordEntity, { jti }, { revokedAt: now });
      else await tx.insert(AccessTokenRecordEntity, { jti, grantId: null, clientId, expiresAt, revokedAt: now });
      await this.audit.recordIn(tx, [accessTokenRevokedEvent(token)]);
    });
  }

  /**
   * What spending a refresh token for `issuance` comes to, as the token and its grant are now:
   * `usable` — the issuance's grant and client, neither revoked, unexpired, and unused or used
   * within the grace window; `reused` — otherwise usable but rotated out past the window, a
   * reuse that ends the family (OAuth 2.1 §4.3.1); `dead` — anything else (invalid_grant).
   */
  protected refreshUse(stored: StoredRefreshToken | undefined, issuance: Issuance, now: number): 'usable' | 'reused' | 'dead' {
    if (!stored || stored.grant.id !== issuance.grantId || stored.grant.clientId !== issuance.clientId) return 'dead';
    const { token, grant } = stored;
    if (token.revokedAt || grant.revokedAt || token.expiresAt <= now) return 'dead';
    if (token.rotatedAt === null || (this.graceMs > 0 && now - token.rotatedAt <= this.graceMs)) return 'usable';
    return 'reused';
  }

  /** The refresh token an issuance includes, if any: the value (shown once) and what is stored. */
  protected newRefreshToken(issuance: Issuance, now: number): { token: string; stored: NewRefreshToken } | undefined {
    if (!issuance.refreshScope) return undefined;
    const token = newOpaqueToken();
    const stored = { tokenHash: sha256Base64Url(token), scope: formatScope(issuance.refreshScope), expiresAt: now + this.config.refreshTokenTtl * 1000 };
    return { token, stored };
  }
}

/** A new refresh token as stored: its digest, scope and expiry. */
export interface NewRefreshToken {
  tokenHash: string;
  scope: string;
  expiresAt: number;
}
