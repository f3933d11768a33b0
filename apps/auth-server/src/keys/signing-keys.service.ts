import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { EventType } from '@portcullis/contracts';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, JWK, calculateJwkThumbprint } from 'jose';
import { SigningKeyEntity } from './signing-key.entity';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { AuditTrail } from '../audit/audit-trail';
import { kekFrom, KeyEncryption } from './key-encryption';

export const SIGNING_ALG = 'EdDSA';

type PrivateKey = Awaited<ReturnType<typeof importPKCS8>>;

/** How long a `next` key is published, at least, before a scheduled rotation lets it sign: past the JWKS max-age (300 s) with room to spare. */
const NEXT_KEY_LEAD_MS = 10 * 60_000;
const DAY_MS = 86_400_000;

export interface ActiveSigningKey {
  kid: string;
  alg: string;
  privateKey: PrivateKey;
}

/**
 * Owns the signing keys: creates the first one, publishes the JWKS, signs with the active key
 * and rotates without downtime. Rotation is two-phase so that no resource server ever meets a
 * `kid` it could not have fetched: a `next` key is published first; at the following rotation
 * it becomes `active` and the previous active key is `retired`, still published until the
 * tokens it signed have expired.
 */
@Injectable()
export class SigningKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SigningKeysService.name);
  private active?: ActiveSigningKey;
  private jwks?: { keys: JWK[] };
  private reloadTimer?: NodeJS.Timeout;
  private readonly encryption: KeyEncryption;
  /** SIGNING_KEY_ROTATION_DAYS in ms; 0 = no scheduled rotation. */
  private readonly rotationPeriodMs: number;

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Optional() private readonly audit?: AuditTrail,
  ) {
    const previous = config.keysEncryptionKeyPrevious;
    this.encryption = new KeyEncryption(config.keysEncryptionKey ? kekFrom(config.keysEncryptionKey) : undefined, previous ? kekFrom(previous) : undefined);
    this.rotationPeriodMs = Math.round(config.signingKeyRotationDays * DAY_MS);
  }

  async onModuleInit(): Promise<void> {
    if (!this.encryption.enabled && this.config.nodeEnv === 'production') {
      this.logger.warn(
        'KEYS_ENCRYPTION_KEY is not set: signing keys are stored UNENCRYPTED in the database. Set KEYS_ENCRYPTION_KEY or KEYS_ENCRYPTION_KEY_FILE (see SECURITY.md, "Signing keys at rest").',
      );
    }
    // Migration path: keys written before a KEK was configured, or under the previous KEK, are sealed under the current one.
    const resealed = await this.reencryptAll();
    if (resealed > 0) this.logger.log(`sealed ${resealed} signing key(s) under key-encryption key ${this.encryption.current?.id}`);
    await this.ensureKeys();
    await this.reload();
    // A rotation made by another process (the CLI, another replica) is picked up within a
    // minute; until then this process keeps signing with a key that is still published.
    // With scheduled rotation, the same tick rotates when it is due (one replica wins).
    const tickMs = this.rotationPeriodMs > 0 ? Math.min(60_000, Math.max(1000, this.rotationPeriodMs / 4)) : 60_000;
    this.reloadTimer = setInterval(() => {
      this.tick().catch((err) => this.logger.warn(`signing key reload failed: ${err instanceof Error ? err.message : err}`));
    }, tickMs);
    this.reloadTimer.unref();
  }

  private async tick(): Promise<void> {
    if (!(await this.rotateIfDue())) await this.reload();
  }

  /**
   * Scheduled rotation (SIGNING_KEY_ROTATION_DAYS): due when the active key has signed for a
   * whole period and the `next` key has been published long enough for resource servers'
   * JWKS caches to hold it. Every replica asks; the rotation itself is a compare-and-set, so
   * exactly one rotates. Returns whether this call rotated.
   */
  async rotateIfDue(now = Date.now()): Promise<boolean> {
    if (this.rotationPeriodMs <= 0) return false;
    const [active, next] = await Promise.all([this.keys.findOneBy({ status: 'active' }), this.keys.findOneBy({ status: 'next' })]);
    if (!active || now - (active.activatedAt ?? active.createdAt) < this.rotationPeriodMs) return false;
    if (next && now - next.createdAt < Math.min(this.rotationPeriodMs, NEXT_KEY_LEAD_MS)) return false;
    // The keys read here are the ones the rotation expects: a replica that read them before another replica rotated changes nothing.
    return (await this.rotate(now, { active: active.kid, next: next?.kid })) !== undefined;
  }

  /**
   * Seals every stored private key that is plain PEM or sealed under a previous KEK under the
   * current KEK; answers how many were re-sealed. Throws ConfigError when a key does not open
   * (a wrong KEK): one clear start line. Each row is replaced only if unchanged meanwhile.
   */
  async reencryptAll(): Promise<number> {
    let count = 0;
    for (const key of await this.keys.find()) {
      const pem = this.encryption.open(key.kid, key.privateKeyPem);
      if (!this.encryption.needsResealing(key.privateKeyPem)) continue;
      const result = await this.keys.update({ kid: key.kid, privateKeyPem: key.privateKeyPem }, { privateKeyPem: this.encryption.seal(key.kid, pem) });
      count += result.affected ?? 0;
    }
    return count;
  }

  /** The id of the KEK new keys are sealed under, if any. */
  get keyEncryptionKeyId(): string | undefined {
    return this.encryption.current?.id;
  }

  onModuleDestroy(): void {
    clearInterval(this.reloadTimer);
  }

  /** The key that signs now (cached; reloaded after rotation). */
  async signingKey(): Promise<ActiveSigningKey> {
    if (!this.active) await this.reload();
    return this.active as ActiveSigningKey;
  }

  /** RFC 7517 JWK Set of every published key (public parts only). */
  async publishedJwks(): Promise<{ keys: JWK[] }> {
    if (!this.jwks) await this.reload();
    return this.jwks as { keys: JWK[] };
  }

  /**
   * One rotation step: promote `next` to `active`, retire the old active key (published for
   * KEY_RETIREMENT_GRACE, at least the access token lifetime), and publish a fresh `next`.
   */
  async rotate(now = Date.now(), expected?: { active: string; next?: string }): Promise<{ activeKid: string; nextKid: string } | undefined> {
    const all = await this.keys.find();
    const current = expected ? all.find((k) => k.kid === expected.active) : all.find((k) => k.status === 'active');
    const next = (expected?.next ? all.find((k) => k.kid === expected.next) : all.find((k) => k.status === 'next')) ?? (await this.createKey('next', now));
    const grace = Math.max(this.config.keyRetirementGrace, this.config.accessTokenTtl) * 1000;
    // Compare-and-set: each update names the status it expects, so of two processes rotating
    // at once (replicas on a schedule, the CLI) one changes the rows and the other changes none
    // and rolls back.
    const rotated = await this.keys.manager.transaction(async (tx) => {
      if (current) {
        const retired = await tx.update(SigningKeyEntity, { kid: current.kid, status: 'active' }, { status: 'retired', publishedUntil: now + grace });
        if (retired.affected !== 1) return false;
      }
      const promoted = await tx.update(SigningKeyEntity, { kid: next.kid, status: 'next' }, { status: 'active', activatedAt: now });
      if (promoted.affected !== 1) throw new RotationRaced();
      await this.audit?.record({
        type: EventType.SigningKeyRotated,
        subject: next.kid,
        manager: tx,
        data: { kid: next.kid, alg: next.alg, ...(current ? { retired_kid: current.kid } : {}) },
      });
      return true;
    }).catch((err: unknown) => {
      if (err instanceof RotationRaced) return false;
      throw err;
    });
    if (!rotated) {
      await this.reload();
      return undefined;
    }
    const fresh = await this.createKey('next', now);
    await this.pruneExpired(now);
    await this.reload();
    this.logger.log(`rotated signing keys: active=${next.kid} next=${fresh.kid}`);
    return { activeKid: next.kid, nextKid: fresh.kid };
  }

  /** Forgets cached keys, e.g. after another process rotated them. */
  async reload(): Promise<void> {
    const now = Date.now();
    const published = (await this.keys.find({ where: { status: In(['next', 'active', 'retired']) } })).filter(
      (k) => k.status !== 'retired' || (k.publishedUntil ?? 0) > now,
    );
    const active = published.find((k) => k.status === 'active');
    if (!active) throw new Error('no active signing key');
    this.active = { kid: active.kid, alg: active.alg, privateKey: await importPKCS8(this.encryption.open(active.kid, active.privateKeyPem), active.alg) };
    this.jwks = { keys: published.map((k) => JSON.parse(k.publicJwk) as JWK) };
  }

  private async ensureKeys(): Promise<void> {
    if ((await this.keys.count({ where: { status: 'active' } })) > 0) return;
    const now = Date.now();
    await this.createKey('active', now);
    await this.createKey('next', now);
  }

  private async createKey(status: 'active' | 'next', now: number): Promise<SigningKeyEntity> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(publicKey);
    // RFC 7638 thumbprint as kid: stable, unique per key, reveals nothing.
    const kid = await calculateJwkThumbprint(jwk);
    const entity = this.keys.create({
      kid,
      alg: SIGNING_ALG,
      status,
      publicJwk: JSON.stringify({ ...jwk, kid, alg: SIGNING_ALG, use: 'sig' }),
      privateKeyPem: this.encryption.seal(kid, await exportPKCS8(privateKey)),
      createdAt: now,
      activatedAt: status === 'active' ? now : null,
      publishedUntil: null,
    });
    return this.keys.save(entity);
  }

  private async pruneExpired(now: number): Promise<void> {
    const retired = await this.keys.find({ where: { status: 'retired' } });
    const gone = retired.filter((k) => (k.publishedUntil ?? 0) <= now).map((k) => k.kid);
    if (gone.length > 0) await this.keys.delete({ kid: In(gone) });
  }
}

/** Another process rotated first (its compare-and-set won); this rotation is rolled back. */
class RotationRaced extends Error {}
