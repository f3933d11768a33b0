import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * Every access token of a client issued at or before `issued_through` is revoked: the client
 * was disabled or deleted. Client_credentials tokens are not recorded one by one (that path
 * writes nothing per token), so they cannot be revoked by `jti`; one row per client covers all
 * of them. Kept until `expires_at`, when the last token it covers has expired; then purged.
 */
@Entity('client_token_cutoffs')
// The scheduled purge and the catch-up list find rows by it.
@Index('client_token_cutoffs_expires', ['expiresAt'])
export class ClientTokenCutoffEntity {
  @PrimaryColumn({ type: 'varchar', length: 255, name: 'client_id' })
  clientId: string;

  /** NumericDate (seconds, as `iat` is): tokens with `iat` at or before it are revoked. */
  @Column({ ...epochColumn(), name: 'issued_through' })
  issuedThrough: number;

  /** Milliseconds since the epoch, like every other expiry of this server. */
  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;
}
