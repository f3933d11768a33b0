import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * Lifecycle of a signing key (rotation without downtime):
 * `next` is published in the JWKS but does not sign yet, so resource servers that cached the
 * JWKS learn it before any token uses it; `active` signs; `retired` no longer signs but stays
 * published until every token it signed has expired (`publishedUntil`).
 */
export type SigningKeyStatus = 'next' | 'active' | 'retired';

@Entity('signing_keys')
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  alg: string;

  @Column({ type: 'varchar', length: 16 })
  status: SigningKeyStatus;

  @Column({ type: 'text', name: 'public_jwk' })
  publicJwk: string;

  /**
   * PKCS#8 PEM sealed under the key-encryption key (`pcx1.…`, keys/key-encryption.ts), or the
   * plain PEM when no KEYS_ENCRYPTION_KEY is configured. See SECURITY.md, "Signing keys at rest".
   */
  @Column({ type: 'text', name: 'private_key_pem' })
  privateKeyPem: string;

  @Column({ ...epochColumn(), name: 'created_at' })
  createdAt: number;

  @Column({ ...epochColumn({ nullable: true }), name: 'activated_at' })
  activatedAt: number | null;

  @Column({ ...epochColumn({ nullable: true }), name: 'published_until' })
  publishedUntil: number | null;
}
