import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * A validated authorization request waiting for the person to log in and consent. The
 * browser that started it is bound by a cookie (`browserBindingHash`), and every form post
 * must carry `csrfToken`, so a request cannot be completed from another browser or site.
 */
@Entity('interactions')
@Index('interactions_expires', ['expiresAt'])
export class InteractionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 255, name: 'client_id' })
  clientId: string;

  @Column({ type: 'varchar', length: 2048, name: 'redirect_uri' })
  redirectUri: string;

  /** Whether the authorization request carried redirect_uri (RFC 6749 §4.1.3). */
  @Column({ type: 'boolean', name: 'redirect_uri_given' })
  redirectUriGiven: boolean;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  state: string | null;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'varchar', length: 2048 })
  resource: string;

  @Column({ type: 'varchar', length: 128, name: 'code_challenge' })
  codeChallenge: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  prompt: string | null;

  @Column({ type: 'varchar', length: 64, name: 'csrf_token' })
  csrfToken: string;

  @Column({ type: 'varchar', length: 64, name: 'browser_binding_hash' })
  browserBindingHash: string;

  @Column({ type: 'varchar', length: 36, name: 'user_id', nullable: true })
  userId: string | null;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;
}
