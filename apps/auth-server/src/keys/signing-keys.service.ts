import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { EventType } from '@portcullis/contracts';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, JWK, calculateJwkThumbprint } from 'jose';
import { SigningKeyEntity } from './signing-key.entity';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { AuditTrail } from '../audit/audit-trail';

export const SIGNING_ALG = 'EdDSA';

type PrivateKey = Awaited<ReturnType<typeof importPKCS8>>;

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

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly keys: Repository<SigningKeyEntity>,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    @Optional() private readonly audit?: AuditTrail,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureKeys();
    await this.reload();
    // A rotation made by another process (the CLI, another replica) is picked up within a
    // minute; until then this process keeps signing with a key that is still published.
    this.reloadTimer = setInterval(() => {
      this.reload().catch((err) => this.logger.warn(`signing key reload failed: ${err instanceof Error ? err.message : err}`));
    }, 60_000);
    this.reloadTimer.unref();
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
  async rotate(now = Date.now()): Promise<{ activeKid: string; nextKid: string }> {
    const all = await this.keys.find();
    const current = all.find((k) => k.status === 'active');
    const next = all.find((k) => k.status === 'next') ?? (await this.createKey('next', now));
    const grace = Math.max(this.config.keyRetirementGrace, this.config.accessTokenTtl) * 1000;
    await this.keys.manager.transaction(async (tx) => {
      if (current) {
        await tx.update(SigningKeyEntity, { kid: current.kid }, { status: 'retired', publishedUntil: now + grace });
      }
      await tx.update(SigningKeyEntity, { kid: next.kid }, { status: 'active', activatedAt: now });
      await this.audit?.record({
        type: EventType.SigningKeyRotated,
        subject: next.kid,
        manager: tx,
        data: { kid: next.kid, alg: next.alg, ...(current ? { retired_kid: current.kid } : {}) },
      });
    });
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
    this.active = { kid: active.kid, alg: active.alg, privateKey: await importPKCS8(active.privateKeyPem, active.alg) };
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
      privateKeyPem: await exportPKCS8(privateKey),
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
