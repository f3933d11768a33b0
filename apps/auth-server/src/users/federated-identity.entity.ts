import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * A local user vouched for by an upstream OpenID Provider. The link is the pair (issuer,
 * subject), the only stable identifier OIDC Core §5.7 promises; an email is never a key.
 */
@Entity('federated_identities')
@Index('UQ_federated_identities_issuer_subject', ['issuer', 'subject'], { unique: true })
export class FederatedIdentityEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Column({ type: 'varchar', length: 512 })
  issuer: string;

  /** OIDC Core §2: `sub` is at most 255 ASCII characters. */
  @Column({ type: 'varchar', length: 255 })
  subject: string;

  /** The connection that first vouched (informational: the link is by issuer). */
  @Column({ type: 'varchar', length: 32, name: 'connection_id' })
  connectionId: string;

  /** As last asserted, verified or not (display only). */
  @Column({ type: 'varchar', length: 320, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 256, nullable: true })
  name: string | null;

  @Column({ ...epochColumn(), name: 'created_at' })
  createdAt: number;

  @Column({ ...epochColumn(), name: 'last_login_at' })
  lastLoginAt: number;
}
