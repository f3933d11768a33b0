import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * An access token known by its `jti`: recorded when issued under a grant (so revoking the
 * family can name its access tokens), and marked when revoked (RFC 7009 §2; remembered until
 * it expires, after which no resource server accepts it anyway).
 */
@Entity('access_tokens')
@Index('access_tokens_grant', ['grantId'])
// The scheduled purge finds expired records by it (token.purges.ts).
@Index('access_tokens_expires', ['expiresAt'])
// Only revoked tokens are ever looked up by expiry (currentRevocations): a partial index keeps
// the insert of every issued token out of it.
@Index('access_tokens_revoked', ['expiresAt'], { where: '"revoked_at" IS NOT NULL' })
export class AccessTokenRecordEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  jti: string;

  @Column({ type: 'varchar', length: 36, name: 'grant_id', nullable: true })
  grantId: string | null;

  @Column({ type: 'varchar', length: 255, name: 'client_id' })
  clientId: string;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;

  @Column({ ...epochColumn({ nullable: true }), name: 'revoked_at' })
  revokedAt: number | null;
}
