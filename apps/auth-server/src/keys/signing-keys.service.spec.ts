import { DataSource } from 'typeorm';
import { authConfigSchema } from '../config/auth-config';
import { authDataSourceOptions } from '../database/data-source-options';
import { SigningKeyEntity } from './signing-key.entity';
import { SigningKeysService } from './signing-keys.service';

describe('SigningKeysService (SQLite)', () => {
  let db: DataSource;
  let service: SigningKeysService;
  const config = authConfigSchema.parse({ SQLITE_PATH: ':memory:', ACCESS_TOKEN_TTL: '600', KEY_RETIREMENT_GRACE: '900' });

  beforeEach(async () => {
    db = await new DataSource(authDataSourceOptions(config)).initialize();
    service = new SigningKeysService(db.getRepository(SigningKeyEntity), config);
    await service.onModuleInit();
  });

  afterEach(async () => {
    service.onModuleDestroy();
    await db.destroy();
  });

  it('publishes the next key before it signs', async () => {
    const jwks = await service.publishedJwks();
    const active = await service.signingKey();
    expect(jwks.keys).toHaveLength(2);
    const next = jwks.keys.find((k) => k.kid !== active.kid);
    expect(next).toBeDefined();
    const { activeKid } = await service.rotate();
    expect(activeKid).toBe(next!.kid);
  });

  it('keeps a retired key published until its tokens have expired, then drops it', async () => {
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
    for (const key of (await service.publishedJwks()).keys) {
      expect(key).not.toHaveProperty('d');
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }
  });
});
