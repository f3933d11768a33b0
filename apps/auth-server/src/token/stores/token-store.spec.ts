import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditEvents } from '@portcullis/events';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { AuditTrail } from '../../audit/audit-trail';
import { authDataSourceOptions } from '../../database/data-source-options';
import { AccessTokenRecordEntity } from '../access-token-record.entity';
import { GrantEntity } from '../grant.entity';
import { RefreshTokenEntity } from '../refresh-token.entity';
import { tokenIssued } from '../token-events';
import { PostgresTokenStore } from './postgres-token.store';
import { SqliteTokenStore } from './sqlite-token.store';
import { Issuance, TokenStore } from './token-store';

/**
 * The invariants every engine's store keeps, on the real engines: a code is spent once, a
 * revoked grant issues nothing, issuance and revocation of a grant are serialised, and every
 * token is committed with its event.
 */
const ENGINES = ['sqlite', 'postgres'] as const;

describe.each(ENGINES)('TokenStore on %s', (engine) => {
  let db: DataSource;
  let events: AuditEvents;
  let store: TokenStore;
  let pg: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    if (engine === 'postgres') pg = await createTestDatabase('portcullis_token_store');
    else dir = mkdtempSync(join(tmpdir(), 'token-store-'));
    db = new DataSource(authDataSourceOptions({ databaseUrl: pg?.url, sqlitePath: join(dir ?? '', 'auth.sqlite') }));
    await db.initialize();
    events = new AuditEvents(db, { source: '/test/token-store', relay: false });
    const audit = new AuditTrail(events);
    const config = { refreshTokenTtl: 3600 };
    store = engine === 'postgres' ? new PostgresTokenStore(db, audit, config) : new SqliteTokenStore(db, audit, config);
  });
  afterAll(async () => {
    await events?.stop();
    await db?.destroy();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const newCode = () =>
    store.issueCode(
      {
        userId: 'alice',
        clientId: 'app',
        resource: 'http://localhost:3000/mcp',
        scopes: ['mcp:tools'],
        redirectUri: 'http://127.0.0.1/cb',
        redirectUriGiven: true,
        codeChallenge: 'challenge',
        expiresAt: Date.now() + 60_000,
      },
      [],
    );

  const issuance = (grantId: string, extra: Partial<Issuance> = {}): Issuance => {
    const jti = randomUUID();
    const expiresAt = Date.now() + 300_000;
    const event = tokenIssued({ grantType: 'authorization_code', clientId: 'app', subject: 'alice', resource: 'r', scopes: [], jti, expiresAt });
    return { grantId, clientId: 'app', accessToken: { jti, expiresAt }, refreshScope: ['mcp:tools'], event, ...extra };
  };


  it('spends a code once: of concurrent redemptions exactly one issues, the others are replays', async () => {
    const { code, grantId } = await newCode();
    const before = await events.store.count();
    const found = await Promise.all(Array.from({ length: 6 }, () => store.findCode(code)));
    const outcomes = await Promise.all(found.map((row) => store.redeemCode(row!, issuance(grantId))));
    expect(outcomes.filter((o) => o.outcome === 'issued')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'replayed')).toHaveLength(5);
    expect(await db.getRepository(AccessTokenRecordEntity).count({ where: { grantId } })).toBe(1);
    // The winner's token and its event were committed together; the replays wrote neither.
    expect(await events.store.count()).toBe(before + 1);
    expect((await store.findCode(code))?.consumedAt).not.toBeNull();
  });

  it('a code presented without issuance (a failed check) is spent all the same', async () => {
    const { code } = await newCode();
    const row = (await store.findCode(code))!;
    expect(await store.redeemCode(row)).toEqual({ outcome: 'spent' });
    expect(await store.redeemCode((await store.findCode(code))!, issuance(row.grantId))).toEqual({ outcome: 'replayed' });
  });

  it('a revoked grant issues nothing: neither a token nor its event', async () => {
    const { code, grantId } = await newCode();
    await store.revokeGrant(grantId, { clientId: 'app', subject: 'alice', reason: 'client_request' });
    const before = await events.store.count();
    expect(await store.redeemCode((await store.findCode(code))!, issuance(grantId))).toEqual({ outcome: 'revoked' });
    expect(await store.issue(issuance(grantId))).toBeUndefined();
    expect(await db.getRepository(AccessTokenRecordEntity).count({ where: { grantId } })).toBe(0);
    expect(await events.store.count()).toBe(before);
  });

  it('issuance racing revocation: no token of the grant survives it', async () => {
    for (let round = 0; round < 10; round++) {
      const { grantId } = await newCode();
      const [issued] = await Promise.all([
        Promise.all(Array.from({ length: 4 }, () => store.issue(issuance(grantId)))),
        store.revokeGrant(grantId, { clientId: 'app', subject: 'alice', reason: 'refresh_reuse' }),
      ]);
      const survivors = await db.getRepository(AccessTokenRecordEntity).findBy({ grantId });
      expect(survivors.filter((t) => t.revokedAt === null)).toEqual([]);
      for (const refresh of issued.flatMap((i) => (i?.refreshToken ? [i.refreshToken] : []))) {
        expect((await store.findRefreshToken(refresh))?.token.revokedAt).not.toBeNull();
      }
    }
  });

  it('rotation marks the presented refresh token used once: a second use in the grace window does not move it', async () => {
    const { grantId } = await newCode();
    const first = await store.issue(issuance(grantId));
    const presented = (await store.findRefreshToken(first!.refreshToken!))!.token;
    await store.issue(issuance(grantId, { rotates: presented }));
    const rotatedAt = (await db.getRepository(RefreshTokenEntity).findOneByOrFail({ tokenHash: presented.tokenHash })).rotatedAt;
    expect(rotatedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.issue(issuance(grantId, { rotates: presented }));
    expect((await db.getRepository(RefreshTokenEntity).findOneByOrFail({ tokenHash: presented.tokenHash })).rotatedAt).toBe(rotatedAt);
  });

  it('finds a refresh token with its grant, as stored; an unknown one not at all', async () => {
    const { grantId } = await newCode();
    const issued = await store.issue(issuance(grantId));
    const found = await store.findRefreshToken(issued!.refreshToken!);
    const token = await db.getRepository(RefreshTokenEntity).findOneByOrFail({ grantId });
    expect(found).toEqual({ token, grant: await db.getRepository(GrantEntity).findOneByOrFail({ id: grantId }) });
    expect(await store.findRefreshToken('not-a-token')).toBeUndefined();
  });
});
