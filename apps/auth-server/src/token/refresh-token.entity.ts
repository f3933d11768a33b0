import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/** A refresh token (stored as its sha256), one link in its grant's rotation chain. */
@Entity('refresh_tokens')
@Index('refresh_tokens_grant', ['grantId'])
@Index('refresh_tokens_expires', ['expiresAt'])
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'token_hash' })
  tokenHash: string;

  @Column({ type: 'varchar', length: 36, name: 'grant_id' })
  grantId: string;

  /** Scope this token may obtain (the grant's, or narrowed at the previous refresh). */
  @Column({ type: 'text' })
  scope: string;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;

  /** Set when the token was exchanged; it stays valid for the grace window after that. */
  @Column({ ...epochColumn({ nullable: true }), name: 'rotated_at' })
  rotatedAt: number | null;

  @Column({ ...epochColumn({ nullable: true }), name: 'revoked_at' })
  revokedAt: number | null;
}
