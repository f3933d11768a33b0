import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { compactVerify, createLocalJWKSet, SignJWT } from 'jose';
import { ConfigError } from '@portcullis/config';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { AuthConfig, authConfigSchema } from '../config/auth-config';
import { authDataSourceOptions } from '../database/data-source-options';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysService } from './signing-keys.service';

const DAY_MS = 86_400_000;

describe.each(['sqlite', 'postgres'] as const)('SigningKeysService on %s', (engine) => {
  let db: DataSource;
  let pg: TestDatabase | undefined;
  let dir: string | undefined;
  const services: SigningKeysService[] = [];
  const kekA = randomBytes(32).toString('base64url');
  const kekB = randomBytes(32).toString('base64url');

  function configWith(env: Record<string, string> = {}): AuthConfig {
    return authConfigSchema.parse({ DATABASE_URL: pg?.url, SQLITE_PATH: join(dir ?? '', 'auth.sqlite'), ACCESS_TOKEN_TTL: '600', KEY_RETIREMENT_GRACE: '900', ...env });
  }

  /** A server process (replica) on the shared database, started as Nest would. */
  async function startService(env: Record<string, string> = {}): Promise<SigningKeysService> {
    const service = new SigningKeysService(db.getRepository(SigningKeyEntity), configWith(env));
    services.push(service);
    await service.onModuleInit();
    return service;
  }

  const rows = () => db.getRepository(SigningKeyEntity).find();

  beforeEach(async () => {
    if (engine === 'postgres') pg = await createTestDatabase('portcullis_signing_keys');
    else dir = mkdtempSync(join(tmpdir(), 'signing-keys-'));
    db = await new DataSource(authDataSourceOptions(configWith())).initialize();
  });

  afterEach(async () => {
    for (const s of services.splice(0)) s.onModuleDestroy();
    await db.destroy();
    await pg?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the next key before it signs', async () => {
    const service = await startService();
    const jwks = await service.publishedJwks();
    const active = await service.signingKey();
    expect(jwks.keys).toHaveLength(2);
    const next = jwks.keys.find((k) => k.kid !== active.kid);
    expect(next).toBeDefined();
    const rotated = await service.rotate();
    expect(rotated?.activeKid).toBe(next!.kid);
  });

  it('keeps a retired key published until its tokens have expired, then drops it', async () => {
    const service = await startService();
    const first = (await service.signingKey()).kid;
    const t0 = Date.now();
    await service.rotate(t0);
    let kids = (await service.publishedJwks()).keys.map((k) => k.kid);
    expect(kids).toContain(first);
    expect((await service.signingKey()).kid).not.toBe(first);
    // Past the grace period the next rotation prunes it.
    await service.rotate(t0 + 901_000);
    kids = (await service.publishedJwks()).keys.map((k) => k.kid);
    expect(kids).not.toContain(first);
  });

  it('never publishes private key material', async () => {
    const service = await startService();
    for (const key of (await service.publishedJwks()).keys) {
      expect(key).not.toHaveProperty('d');
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
  });

  it('with a KEK, stores no plaintext private key, and signs with what it stored', async () => {
    const service = await startService({ KEYS_ENCRYPTION_KEY: kekA });
    for (const row of await rows()) {
      expect(row.privateKeyPem).toMatch(/^pcx1\.[\w-]{8}\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(JSON.stringify(row)).not.toContain('PRIVATE KEY');
    }
    const key = await service.signingKey();
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(key.privateKey);
    await expect(compactVerify(jwt, createLocalJWKSet(await service.publishedJwks()))).resolves.toBeDefined();
  });

  it('seals keys written before a KEK was configured at the first start with one (the migration path)', async () => {
    await startService();
    expect((await rows()).every((r) => r.privateKeyPem.includes('PRIVATE KEY'))).toBe(true);
    const kid = (await (await startService({ KEYS_ENCRYPTION_KEY: kekA })).signingKey()).kid;
    const after = await rows();
    expect(after.every((r) => r.privateKeyPem.startsWith('pcx1.'))).toBe(true);
    expect(after.map((r) => r.kid)).toContain(kid);
  });

  it('rotates the KEK: the previous KEK still reads, a start re-seals under the new one, the old KEK alone no longer opens', async () => {
    const kid = (await (await startService({ KEYS_ENCRYPTION_KEY: kekA })).signingKey()).kid;
    const underA = await rows();
    const rotating = await startService({ KEYS_ENCRYPTION_KEY: kekB, KEYS_ENCRYPTION_KEY_PREVIOUS: kekA });
    expect((await rotating.signingKey()).kid).toBe(kid);
    const underB = await rows();
    expect(underB.map((r) => r.privateKeyPem.split('.')[1])).toEqual(underB.map(() => rotating.keyEncryptionKeyId));
    expect(underB.map((r) => r.privateKeyPem)).not.toEqual(underA.map((r) => r.privateKeyPem));
    // Nothing left to re-seal; the new KEK alone serves.
    expect(await rotating.reencryptAll()).toBe(0);
    expect((await (await startService({ KEYS_ENCRYPTION_KEY: kekB })).signingKey()).kid).toBe(kid);
    await expect(startService({ KEYS_ENCRYPTION_KEY: kekA })).rejects.toThrow(ConfigError);
  });

  it('refuses to start with a wrong KEK, or none, with one clear line and nothing changed', async () => {
    await startService({ KEYS_ENCRYPTION_KEY: kekA });
    const before = await rows();
    const wrong = await startService({ KEYS_ENCRYPTION_KEY: kekB }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(wrong).toBeInstanceOf(ConfigError);
    expect((wrong as ConfigError).problems).toHaveLength(1);
    expect((wrong as ConfigError).problems[0]).toMatch(/^config: KEYS_ENCRYPTION_KEY: signing key \S+ is sealed with key-encryption key \S+, which is neither/);
    await expect(startService()).rejects.toThrow(/KEYS_ENCRYPTION_KEY \(unset\)/);
    expect(await rows()).toEqual(before);
  });

  it('rotates on schedule: the next key is published a whole period before it signs, then signs; the old one stays published', async () => {
    // A period of one day, driven by a fake clock (`now`), not by waiting.
    const service = await startService({ SIGNING_KEY_ROTATION_DAYS: '1' });
    const t0 = Date.now();
    const first = (await service.signingKey()).kid;
    const next = (await service.publishedJwks()).keys.map((k) => k.kid).find((k) => k !== first)!;
    expect(await service.rotateIfDue(t0 + DAY_MS / 2)).toBe(false);
    expect((await service.signingKey()).kid).toBe(first);
    expect(await service.rotateIfDue(t0 + DAY_MS + 1000)).toBe(true);
    expect((await service.signingKey()).kid).toBe(next);
    const published = (await service.publishedJwks()).keys.map((k) => k.kid);
    expect(published).toEqual(expect.arrayContaining([first, next]));
    expect(published).toHaveLength(3);
    // Not due again until the new key has signed a whole period.
    expect(await service.rotateIfDue(t0 + DAY_MS + 2000)).toBe(false);
  });

  it('scheduled rotation on several replicas: exactly one rotates', async () => {
    const replicas = [await startService({ SIGNING_KEY_ROTATION_DAYS: '1' }), await startService({ SIGNING_KEY_ROTATION_DAYS: '1' }), await startService({ SIGNING_KEY_ROTATION_DAYS: '1' })];
    const due = Date.now() + DAY_MS + 1000;
    // PostgreSQL: at once, as replicas do. SQLite serves one process (the test's one connection takes one transaction at a time): in turn.
    const answers: boolean[] = [];
    if (engine === 'postgres') answers.push(...(await Promise.all(replicas.map((r) => r.rotateIfDue(due)))));
    else for (const r of replicas) answers.push(await r.rotateIfDue(due));
    expect(answers.filter(Boolean)).toHaveLength(1);
    const statuses = (await rows()).map((r) => r.status).sort();
    expect(statuses).toEqual(['active', 'next', 'retired']);
  });

  it('leaves the schedule off by default', async () => {
    const service = await startService();
    expect(await service.rotateIfDue(Date.now() + 365 * DAY_MS)).toBe(false);
  });
});

it('rejects a SIGNING_KEY_ROTATION_DAYS that is not a number of days', () => {
  expect(() => authConfigSchema.parse({ SIGNING_KEY_ROTATION_DAYS: '-1' })).toThrow();
});
