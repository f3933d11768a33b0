import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Purger } from '@portcullis/database';
import { AuditEvents } from '@portcullis/events';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { AuditTrail } from '../audit/audit-trail';
import { InteractionEntity } from '../authorize/interaction/interaction.entity';
import { SessionEntity } from '../authorize/interaction/session.entity';
import { FederatedLoginAttemptEntity } from '../federation/federated-login-attempt.entity';
import { AccessTokenRecordEntity } from '../token/access-token-record.entity';
import { AuthorizationCodeEntity } from '../token/authorization-code.entity';
import { GrantEntity } from '../token/grant.entity';
import { RefreshTokenEntity } from '../token/refresh-token.entity';
import { PostgresTokenStore } from '../token/stores/postgres-token.store';
import { SqliteTokenStore } from '../token/stores/sqlite-token.store';
import { TokenStore } from '../token/stores/token-store';
import { tokenIssued } from '../token/token-events';
import { UsedKeyEntity as AssertionJtiEntity } from '../shared-state/used-key.entity';
import { AUTH_PURGES } from './auth-purges';
import { authDataSourceOptions } from './data-source-options';

const MINUTE = 60_000;
const ACCESS_TTL = 10 * MINUTE;
const REFRESH_TTL = 60 * MINUTE;

/**
 * The scheduled purge on both real engines, with its clock moved forward (`purge(now)`): what
 * expired goes, what a check still needs stays — a consumed code while the tokens it issued
 * live (a replay must still revoke them), a rotated refresh token until it expires (a reuse must
 * still end the family), a revocation until the token would have expired.
 */
describe.each(['sqlite', 'postgres'] as const)('scheduled purge on %s', (engine) => {
  let db: DataSource;
  let events: AuditEvents;
  let store: TokenStore;
  let purger: Purger;
  let pg: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    if (engine === 'postgres') pg = await createTestDatabase('portcullis_purge');
    else dir = mkdtempSync(join(tmpdir(), 'purge-'));
    db = new DataSource(authDataSourceOptions({ databaseUrl: pg?.url, sqlitePath: join(dir ?? '', 'auth.sqlite') }));
    await db.initialize();
    events = new AuditEvents(db, { source: '/test/purge', relay: false });
    const config = { refreshTokenTtl: REFRESH_TTL / 1000 };
    store = engine === 'postgres' ? new PostgresTokenStore(db, new AuditTrail(events), config) : new SqliteTokenStore(db, new AuditTrail(events), config);
    // A small batch, so every task has to come back for more.
    purger = new Purger(db, AUTH_PURGES, { batchSize: 2 });
  });
  afterAll(async () => {
    await events?.stop();
    await db?.destroy();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const count = (entity: new () => object, where: object) => db.getRepository(entity).count({ where });

  /** A code flow's tokens: a code (consumed), then an access token and a refresh token. */
  async function exchangedCode(now: number): Promise<{ code: string; grantId: string; refreshToken: string; jti: string }> {
    const { code, grantId } = await store.issueCode(
      { userId: 'alice', clientId: 'app', resource: 'http://localhost:3000/mcp', scopes: ['mcp:tools'], redirectUri: 'http://127.0.0.1/cb', redirectUriGiven: true, codeChallenge: 'c', expiresAt: now + MINUTE },
      [],
    );
    const jti = randomUUID();
    const event = tokenIssued({ grantType: 'authorization_code', clientId: 'app', subject: 'alice', resource: 'r', scopes: [], jti, expiresAt: now + ACCESS_TTL });
    const row = await store.findCode(code);
    const redemption = await store.redeemCode(row!, { grantId, clientId: 'app', accessToken: { jti, expiresAt: now + ACCESS_TTL }, refreshScope: ['mcp:tools'], event });
    if (redemption.outcome !== 'issued' || !redemption.refreshToken) throw new Error(`exchange failed: ${redemption.outcome}`);
    return { code, grantId, refreshToken: redemption.refreshToken, jti };
  }

  it('deletes expired interactions, sessions, login attempts and replay entries, keeps live ones', async () => {
    const now = Date.now();
    const tag = randomUUID().slice(0, 8);
    const interaction = (id: string, expiresAt: number) =>
      ({ id, clientId: 'app', redirectUri: 'http://127.0.0.1/cb', redirectUriGiven: true, state: null, scope: 's', resource: 'r', codeChallenge: 'c', prompt: null, csrfToken: 'x', browserBindingHash: 'b', userId: null, expiresAt }) as InteractionEntity;
    const attempt = (stateHash: string, expiresAt: number) =>
      ({ stateHash, connectionId: 'idp', interactionId: 'i', browserBindingHash: 'b', nonce: 'n', codeVerifier: 'v', expiresAt }) as FederatedLoginAttemptEntity;
    for (const [suffix, expiresAt] of [['old1', now - 1], ['old2', now - MINUTE], ['old3', now], ['live', now + MINUTE]] as const) {
      await db.getRepository(InteractionEntity).insert(interaction(`${tag}-${suffix}`, expiresAt));
      await db.getRepository(SessionEntity).insert({ idHash: `${tag}-${suffix}`, userId: 'alice', expiresAt });
      await db.getRepository(FederatedLoginAttemptEntity).insert(attempt(`${tag}-${suffix}`, expiresAt));
      await db.getRepository(AssertionJtiEntity).insert({ key: `${tag}-${suffix}`, expiresAt });
    }

    const counts = await purger.purge(now);

    for (const entity of [InteractionEntity, SessionEntity, AssertionJtiEntity]) {
      const key = entity === SessionEntity ? 'idHash' : entity === AssertionJtiEntity ? 'key' : 'id';
      expect(await count(entity, { [key]: `${tag}-live` })).toBe(1);
      for (const old of ['old1', 'old2', 'old3']) expect(await count(entity, { [key]: `${tag}-${old}` })).toBe(0);
    }
    expect(await count(FederatedLoginAttemptEntity, { stateHash: `${tag}-live` })).toBe(1);
    expect(await count(FederatedLoginAttemptEntity, { stateHash: `${tag}-old1` })).toBe(0);
    expect(counts).toMatchObject({ interactions: 3, sessions: 3, federated_login_attempts: 3, assertion_jtis: 3 });
  });

  it('keeps a revocation until the revoked token would have expired, then lets it go', async () => {
    const now = Date.now();
    const jti = randomUUID();
    await store.revokeAccessToken({ jti, clientId: 'app', subject: 'alice', expiresAt: now + ACCESS_TTL });
    await purger.purge(now + ACCESS_TTL - 1);
    expect(await count(AccessTokenRecordEntity, { jti })).toBe(1);
    await purger.purge(now + ACCESS_TTL);
    expect(await count(AccessTokenRecordEntity, { jti })).toBe(0);
  });

  it('still detects a replayed code once other families are purge-eligible, while its tokens live', async () => {
    const now = Date.now();
    const replayed = await exchangedCode(now);
    // A code never exchanged: its family ends when the code expires.
    const abandoned = await store.issueCode(
      { userId: 'bob', clientId: 'app', resource: 'r', scopes: [], redirectUri: 'http://127.0.0.1/cb', redirectUriGiven: true, codeChallenge: 'c', expiresAt: now + MINUTE },
      [],
    );

    // Both codes expired; the replayed code's access and refresh tokens still live.
    const counts = await purger.purge(now + 5 * MINUTE);
    expect(counts?.grants).toBeGreaterThanOrEqual(1);
    expect(await count(GrantEntity, { id: abandoned.grantId })).toBe(0);
    expect(await count(AuthorizationCodeEntity, { grantId: abandoned.grantId })).toBe(0);
    expect(await count(GrantEntity, { id: replayed.grantId })).toBe(1);

    // RFC 6749 §4.1.2: the replay is recognised as one, so the grant handler revokes the family.
    const row = await store.findCode(replayed.code);
    expect(row?.consumedAt).not.toBeNull();
    expect(await store.redeemCode(row!)).toEqual({ outcome: 'replayed' });
    await store.revokeGrant(replayed.grantId, { clientId: 'app', subject: 'alice', reason: 'code_replay' });
    expect((await db.getRepository(AccessTokenRecordEntity).findOneBy({ jti: replayed.jti }))?.revokedAt).not.toBeNull();
  });

  it('keeps a rotated refresh token for reuse detection until it expires, and the family until all of it expired', async () => {
    const now = Date.now();
    const { grantId, refreshToken } = await exchangedCode(now);
    const first = await store.findRefreshToken(refreshToken);
    const jti = randomUUID();
    const event = tokenIssued({ grantType: 'refresh_token', clientId: 'app', subject: 'alice', resource: 'r', scopes: [], jti, expiresAt: now + ACCESS_TTL });
    const rotated = await store.issue({ grantId, clientId: 'app', accessToken: { jti, expiresAt: now + ACCESS_TTL }, refreshScope: ['mcp:tools'], rotates: first!.token, event });
    expect(rotated?.refreshToken).toBeDefined();

    // Past the code's and the access tokens' lifetimes, within the refresh tokens': the rotated
    // token is still there, marked used — presented now, it ends the family (refresh-token.grant.ts).
    await purger.purge(now + ACCESS_TTL + MINUTE);
    const reused = await store.findRefreshToken(refreshToken);
    expect(reused?.token.rotatedAt).not.toBeNull();
    expect(reused?.grant.revokedAt).toBeNull();
    expect(await count(AuthorizationCodeEntity, { grantId })).toBe(1);

    // Every token of the family expired (the successor last): nothing of it is left.
    const successor = await store.findRefreshToken(rotated!.refreshToken!);
    await purger.purge(successor!.token.expiresAt);
    expect(await count(RefreshTokenEntity, { grantId })).toBe(0);
    expect(await count(AccessTokenRecordEntity, { grantId })).toBe(0);
    expect(await count(AuthorizationCodeEntity, { grantId })).toBe(0);
    expect(await count(GrantEntity, { id: grantId })).toBe(0);
  });

  if (engine === 'postgres') {
    it('runs on one replica at a time: a round that finds the lock taken does nothing', async () => {
      const now = Date.now();
      await db.getRepository(SessionEntity).insert({ idHash: `locked-${randomUUID()}`, userId: 'alice', expiresAt: now - 1 });
      const other = new Client({ connectionString: pg!.url });
      await other.connect();
      try {
        await other.query(`SELECT pg_advisory_lock(hashtextextended('portcullis.purge', 0))`);
        expect(await purger.purge(now)).toBeUndefined();
        await other.query(`SELECT pg_advisory_unlock(hashtextextended('portcullis.purge', 0))`);
        expect(await purger.purge(now)).toMatchObject({ sessions: 1 });
      } finally {
        await other.end();
      }
    });
  }
});
