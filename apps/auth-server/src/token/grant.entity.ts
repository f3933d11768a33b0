import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * One person's authorization of one client for one resource: the family that an
 * authorization code, its refresh tokens and their access tokens belong to. Revoking the
 * grant revokes the whole family (RFC 9700 §4.14.2, RFC 6749 §10.5).
 */
@Entity('grants')
@Index('grants_created', ['createdAt'])
@Index('grants_user', ['userId'])
export class GrantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Column({ type: 'varchar', length: 255, name: 'client_id' })
  clientId: string;

  @Column({ type: 'varchar', length: 2048 })
  resource: string;

  /** Every scope granted; refresh requests may narrow but never widen it. */
  @Column({ type: 'text' })
  scope: string;

  @Column({ ...epochColumn(), name: 'created_at' })
  createdAt: number;

  @Column({ ...epochColumn({ nullable: true }), name: 'revoked_at' })
  revokedAt: number | null;

  /**
   * When the grant last produced a token (code exchange, refresh), shown on the account page.
   * Written by the statement of the issuance that already locks the grant row, never by one
   * of its own. PostgreSQL keeps its hot path as it was: a code exchange leaves it null (the
   * code's `consumed_at` says when; GrantsService reads that instead), and a refresh skips the
   * write while the value is under a minute old (LAST_USED_RESOLUTION_MS). SQLite sets it on
   * every issuance, in the update that locks the row anyway.
   */
  @Column({ ...epochColumn({ nullable: true }), name: 'last_used_at' })
  lastUsedAt: number | null;
}
