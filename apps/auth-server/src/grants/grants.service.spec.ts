import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventType } from '@portcullis/contracts';
import { AuditEvents } from '@portcullis/events';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { AuditTrail } from '../audit/audit-trail';
import { ConsentEntity } from '../authorize/interaction/consent.entity';
import { ClientEntity } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { ClientMetadataDocumentResolver } from '../clients/metadata-document/client-metadata-document.resolver';
import type { AuthConfig } from '../config/auth-config';
import { authDataSourceOptions } from '../database/data-source-options';
import { ScopeDirectory } from '../resources/scope-directory';
import { AccessTokenRecordEntity } from '../token/access-token-record.entity';
import { GrantEntity } from '../token/grant.entity';
import { RefreshTokenEntity } from '../token/refresh-token.entity';
import { PostgresTokenStore } from '../token/stores/postgres-token.store';
import { SqliteTokenStore } from '../token/stores/sqlite-token.store';
import { Issuance, TokenStore } from '../token/stores/token-store';
import { tokenIssued } from '../token/token-events';
import { GrantsService } from './grants.service';

/**
 * The grant service on the real engines: what a person sees of their grants, the last-use
 * stamp the stores write with each issuance, and a revocation that ends the family, tells
 * resource servers, and never touches another person's grant.
 */
const ENGINES = ['sqlite', 'postgres'] as const;
const RESOURCE = 'http://localhost:3000/mcp';

describe.each(ENGINES)('GrantsService on %s', (engine) => {
  let db: DataSource;
  let events: AuditEvents;
  let store: TokenStore;
  let grants: GrantsService;
  let pg: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    if (engine === 'postgres') pg = await createTestDatabase('account_grants_service');
    else dir = mkdtempSync(join(tmpdir(), 'grants-service-'));
    db = new DataSource(authDataSourceOptions({ databaseUrl: pg?.url, sqlitePath: join(dir ?? '', 'auth.sqlite') }));
    await db.initialize();
    events = new AuditEvents(db, { source: '/test/grants-service', relay: false });
    const audit = new AuditTrail(events);
    store = engine === 'postgres' ? new PostgresTokenStore(db, audit, { refreshTokenTtl: 3600 }) : new SqliteTokenStore(db, audit, { refreshTokenTtl: 3600 });
    const clients = new ClientsService(db.getRepository(ClientEntity), new ClientMetadataDocumentResolver());
    grants = new GrantsService(db, store, clients, new ScopeDirectory({} as AuthConfig), db.getRepository(GrantEntity), db.getRepository(ConsentEntity));
    await db.getRepository(ClientEntity).save(
      Object.assign(new ClientEntity(), {
        clientId: 'notes-app',
        clientName: 'Notes <app>',
        redirectUris: ['http://127.0.0.1/cb'],
        grantTypes: ['authorization_code', 'refresh_token'],
        responseTypes: ['code'],
        tokenEndpointAuthMethod: 'none' as const,
        applicationType: 'native' as const,
        scope: 'mcp:tools',
        trusted: false,
        origin: 'dynamic' as const,
        createdAt: Date.now(),
      }),
    );
  });
  afterAll(async () => {
    await events?.stop();
    await db?.destroy();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A grant approved by `userId`, its code exchanged (one access token, one refresh token). */
  async function connected(userId: string, clientId = 'notes-app', scopes = ['sentiment:read', 'offline_access']) {
    const { code, grantId } = await store.issueCode(
      { userId, clientId, resource: RESOURCE, scopes, redirectUri: 'http://127.0.0.1/cb', redirectUriGiven: true, codeChallenge: 'c', expiresAt: Date.now() + 60_000 },
      [],
    );
    const redemption = await store.redeemCode((await store.findCode(code))!, issuance(grantId, userId, clientId));
    if (redemption.outcome !== 'issued') throw new Error(redemption.outcome);
    return { grantId, refreshToken: redemption.refreshToken! };
  }

  function issuance(grantId: string, subject: string, clientId = 'notes-app'): Issuance {
    const jti = randomUUID();
    const expiresAt = Date.now() + 300_000;
    const event = tokenIssued({ grantType: 'authorization_code', clientId, subject, resource: RESOURCE, scopes: ['mcp:tools'], jti, expiresAt });
    return { grantId, clientId, accessToken: { jti, expiresAt }, refreshScope: ['mcp:tools'], event };
  }

  async function outbox(type: string, grantId: string): Promise<Record<string, unknown>[]> {
    const rows: { payload: string }[] = await db.query(`SELECT "payload" FROM "event_outbox" WHERE "type" = '${type}'`);
    return rows.map((r) => JSON.parse(r.payload).data).filter((d) => d.grant_id === grantId || d.refresh_family_id === grantId);
  }

  const lastUsed = async (grantId: string) => (await db.getRepository(GrantEntity).findOneByOrFail({ id: grantId })).lastUsedAt;

  it("lists a person's live grants with the client's name, each scope's description, the resource and when", async () => {
    const alice = randomUUID();
    const before = Date.now();
    const { grantId } = await connected(alice);
    await connected(randomUUID());
    const [listed, ...more] = await grants.listForSubject(alice);
    expect(more).toEqual([]);
    expect(listed).toMatchObject({ grantId, clientId: 'notes-app', clientName: 'Notes <app>', resource: RESOURCE });
    expect(listed.scopes.map((s) => s.name)).toEqual(['sentiment:read', 'offline_access']);
    expect(listed.scopes.every((s) => typeof s.description === 'string' && s.description.length > 0)).toBe(true);
    expect(listed.approvedAt).toBeGreaterThanOrEqual(before);
    expect(listed.lastUsedAt).toBeGreaterThanOrEqual(listed.approvedAt);
  });

  it('a grant whose code is not yet exchanged is listed, never used; an unknown client shows its id only', async () => {
    const bob = randomUUID();
    await store.issueCode(
      { userId: bob, clientId: 'gone-app', resource: RESOURCE, scopes: ['made:up'], redirectUri: 'http://127.0.0.1/cb', redirectUriGiven: true, codeChallenge: 'c', expiresAt: Date.now() + 60_000 },
      [],
    );
    const [listed] = await grants.listForSubject(bob);
    expect(listed).toMatchObject({ clientId: 'gone-app', lastUsedAt: null, scopes: [{ name: 'made:up' }] });
    expect(listed.clientName).toBeUndefined();
  });

  it('a grant of which nothing can be used any more is not listed', async () => {
    const carol = randomUUID();
    const { grantId } = await connected(carol);
    await db.getRepository(RefreshTokenEntity).update({ grantId }, { expiresAt: Date.now() - 1 });
    await db.getRepository(AccessTokenRecordEntity).update({ grantId }, { expiresAt: Date.now() - 1 });
    expect(await grants.listForSubject(carol)).toEqual([]);
  });

  it('the code exchange is the first use; refreshes stamp it, rewriting the row at most once a minute on PostgreSQL', async () => {
    const person = randomUUID();
    const before = Date.now();
    const { grantId } = await connected(person);
    const shown = async () => (await grants.listForSubject(person))[0].lastUsedAt;
    const exchanged = (await shown())!;
    expect(exchanged).toBeGreaterThanOrEqual(before);
    // PostgreSQL's exchange writes no grant row (the code's consumed_at stands in); SQLite's does.
    expect(await lastUsed(grantId)).toBe(engine === 'postgres' ? null : exchanged);
    const first = exchanged + 1_000;
    await (store as PostgresTokenStore | SqliteTokenStore).issue(issuance(grantId, person), first);
    expect(await shown()).toBe(first);
    const soon = first + 30_000;
    await (store as PostgresTokenStore | SqliteTokenStore).issue(issuance(grantId, person), soon);
    // SQLite rewrites the row with the lock it takes anyway; PostgreSQL skips a fresh stamp.
    expect(await shown()).toBe(engine === 'postgres' ? first : soon);
    const later = first + 61_000;
    await (store as PostgresTokenStore | SqliteTokenStore).issue(issuance(grantId, person), later);
    expect(await shown()).toBe(later);
  });

  it('revokes the grant, its refresh tokens and live access tokens, says so in both events, and forgets the consent', async () => {
    const dave = randomUUID();
    const { grantId, refreshToken } = await connected(dave);
    const jtis = (await db.getRepository(AccessTokenRecordEntity).findBy({ grantId })).map((t) => t.jti);
    await db.getRepository(ConsentEntity).insert({ id: randomUUID(), userId: dave, clientId: 'notes-app', resource: RESOURCE, scope: 'mcp:tools', updatedAt: Date.now() });

    expect(await grants.revoke(grantId, { via: 'account', subject: dave }, { subject: dave })).toEqual({ revokedJtis: 1 });

    expect((await db.getRepository(GrantEntity).findOneByOrFail({ id: grantId })).revokedAt).not.toBeNull();
    expect((await store.findRefreshToken(refreshToken))?.token.revokedAt).not.toBeNull();
    expect((await db.getRepository(AccessTokenRecordEntity).findBy({ grantId })).every((t) => t.revokedAt !== null)).toBe(true);
    expect(await db.getRepository(ConsentEntity).countBy({ userId: dave })).toBe(0);
    expect(await outbox(EventType.GrantRevoked, grantId)).toEqual([
      { grant_id: grantId, client_id: 'notes-app', subject: dave, scopes: ['sentiment:read', 'offline_access'], revoked_jtis: 1, actor: { via: 'account', subject: dave } },
    ]);
    expect(await outbox(EventType.TokenRevoked, grantId)).toEqual([expect.objectContaining({ jtis, reason: 'admin', refresh_family_id: grantId, subject: dave })]);
    expect(await grants.listForSubject(dave)).toEqual([]);
    // Already revoked: nothing to do, nothing said again.
    expect(await grants.revoke(grantId, { via: 'account', subject: dave }, { subject: dave })).toBeNull();
    expect(await outbox(EventType.GrantRevoked, grantId)).toHaveLength(1);
  });

  it("never revokes another person's grant; unknown and malformed ids are absent", async () => {
    const erin = randomUUID();
    const mallory = randomUUID();
    const { grantId } = await connected(erin);
    expect(await grants.revoke(grantId, { via: 'account', subject: mallory }, { subject: mallory })).toBeNull();
    expect(await grants.revoke(randomUUID(), { via: 'account', subject: erin }, { subject: erin })).toBeNull();
    expect(await grants.revoke("x' OR 1=1 --", { via: 'account', subject: erin }, { subject: erin })).toBeNull();
    expect(await grants.revoke('', { via: 'account', subject: erin })).toBeNull();
    expect((await db.getRepository(GrantEntity).findOneByOrFail({ id: grantId })).revokedAt).toBeNull();
    expect(await grants.listForSubject(erin)).toHaveLength(1);
  });

  it('without a subject (an operator), revokes any live grant and names the operator', async () => {
    const frank = randomUUID();
    const { grantId } = await connected(frank);
    const actor = { via: 'admin_api', subject: 'root-id', client_id: 'portcullis-console' } as const;
    expect(await grants.revoke(grantId, actor)).toEqual({ revokedJtis: 1 });
    expect((await outbox(EventType.GrantRevoked, grantId))[0]).toMatchObject({ subject: frank, actor });
  });

  it("revokes all of a person's grants in one transaction, each with its events, and forgets their consents", async () => {
    const hana = randomUUID();
    const first = await connected(hana);
    const second = await connected(hana, 'notes-app', ['sentiment:read']);
    const consent = { userId: hana, clientId: 'notes-app', scope: 'mcp:tools', updatedAt: Date.now() };
    await db.getRepository(ConsentEntity).insert([
      { ...consent, id: randomUUID(), resource: RESOURCE },
      { ...consent, id: randomUUID(), resource: 'http://localhost:3100/audit' },
    ]);
    const live = await db.getRepository(GrantEntity).findBy({ userId: hana });
    const actor = { via: 'admin_api', subject: 'root-id', client_id: 'portcullis-console' } as const;
    const transactions = jest.spyOn(db, 'transaction');

    const ended = await grants.revokeAll(live, actor);
    // SQLite's store queues its transactions through the same data source: one either way.
    expect(transactions).toHaveBeenCalledTimes(1);
    transactions.mockRestore();

    expect(ended.map((r) => r.grantId).sort()).toEqual([first.grantId, second.grantId].sort());
    for (const { grantId } of [first, second]) {
      expect((await db.getRepository(GrantEntity).findOneByOrFail({ id: grantId })).revokedAt).not.toBeNull();
      expect((await db.getRepository(AccessTokenRecordEntity).findBy({ grantId })).every((t) => t.revokedAt !== null)).toBe(true);
      expect(await outbox(EventType.GrantRevoked, grantId)).toEqual([expect.objectContaining({ grant_id: grantId, subject: hana, revoked_jtis: 1, actor })]);
      expect(await outbox(EventType.TokenRevoked, grantId)).toEqual([expect.objectContaining({ refresh_family_id: grantId, reason: 'admin' })]);
    }
    expect((await store.findRefreshToken(first.refreshToken))?.token.revokedAt).not.toBeNull();
    // The consent behind each revoked grant is gone; the other one (no grant of it was live) stays.
    expect((await db.getRepository(ConsentEntity).findBy({ userId: hana })).map((c) => c.resource)).toEqual(['http://localhost:3100/audit']);
    // Already revoked: nothing ended, nothing said again.
    expect(await grants.revokeAll(live, actor)).toEqual([]);
    expect(await outbox(EventType.GrantRevoked, first.grantId)).toHaveLength(1);
  });

  it('two revocations racing: exactly one does it', async () => {
    const gina = randomUUID();
    const { grantId } = await connected(gina);
    const results = await Promise.all(Array.from({ length: 4 }, () => grants.revoke(grantId, { via: 'account', subject: gina }, { subject: gina })));
    expect(results.filter((r) => r !== null)).toEqual([{ revokedJtis: 1 }]);
    expect(await outbox(EventType.GrantRevoked, grantId)).toHaveLength(1);
  });
});
