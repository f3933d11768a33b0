import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * A jwt-bearer assertion seen once: its issuer and `jti`, kept until the assertion expires
 * (ID-JAG profile §7.4.2: replay detection "at minimum until exp", scoped by issuer). In the
 * database, so every replica sees every use; the primary key makes the check one atomic insert.
 */
@Entity('assertion_jtis')
@Index('assertion_jtis_expires', ['expiresAt'])
export class AssertionJtiEntity {
  /** sha256 (base64url) of issuer and jti: fixed width whatever their length. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;
}
