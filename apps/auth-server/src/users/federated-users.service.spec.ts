import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { authDataSourceOptions } from '../database/data-source-options';
import { FederatedIdentityEntity } from './federated-identity.entity';
import { FederatedUsersService, NO_PASSWORD, VouchedPerson } from './federated-users.service';
import { UserEntity } from './user.entity';

/** Linking people an upstream IdP vouched for, on the real engines (migrations included). */
describe.each(['sqlite', 'postgres'] as const)('FederatedUsersService on %s', (engine) => {
  let db: DataSource;
  let service: FederatedUsersService;
  let pg: TestDatabase | undefined;
  let dir: string | undefined;

  beforeAll(async () => {
    if (engine === 'postgres') pg = await createTestDatabase('portcullis_federated_users');
    else dir = mkdtempSync(join(tmpdir(), 'federated-users-'));
    db = new DataSource(authDataSourceOptions({ databaseUrl: pg?.url, sqlitePath: join(dir ?? '', 'auth.sqlite') }));
    await db.initialize();
    service = new FederatedUsersService(db);
  });
  afterAll(async () => {
    await db?.destroy();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const person = (subject: string, extra: Partial<VouchedPerson> = {}): VouchedPerson => ({ connectionId: 'acme', issuer: 'https://idp.acme.test', subject, ...extra });

  it('creates a user without a password on the first sign-in, and finds the same one after', async () => {
    const first = await service.signIn(person('s-1', { email: 'ann@acme.test', name: 'Ann' }));
    expect(first.created).toBe(true);
    expect(first.user.username).toBe('acme/ann@acme.test');
    expect(first.user.passwordHash).toBe(NO_PASSWORD);
    const again = await service.signIn(person('s-1', { email: 'ann.new@acme.test' }));
    expect(again).toMatchObject({ created: false, user: { id: first.user.id } });
    const identity = await db.getRepository(FederatedIdentityEntity).findOneByOrFail({ subject: 's-1' });
    expect(identity.email).toBe('ann.new@acme.test');
  });

  it('never links by email: another subject with the same email is another user, with a name of its own', async () => {
    const ann = await service.signIn(person('s-2', { email: 'twin@acme.test' }));
    const impostor = await service.signIn(person('s-3', { email: 'twin@acme.test' }));
    expect(impostor.created).toBe(true);
    expect(impostor.user.id).not.toBe(ann.user.id);
    expect(impostor.user.username).toMatch(/^acme\/twin@acme\.test-[\w-]{16}$/);
    // The same subject at another issuer is someone else too.
    expect((await service.signIn(person('s-2', { issuer: 'https://other.test' }))).user.id).not.toBe(ann.user.id);
  });

  it('two first sign-ins of one person at once make one user', async () => {
    const results = await Promise.all([service.signIn(person('s-race')), service.signIn(person('s-race'))]);
    expect(results[0].user.id).toBe(results[1].user.id);
    expect(await db.getRepository(FederatedIdentityEntity).countBy({ subject: 's-race' })).toBe(1);
    const users = await db.getRepository(UserEntity).countBy({ id: results[0].user.id });
    expect(users).toBe(1);
  });
});
