import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * A key used once — a client assertion's or a jwt-bearer assertion's `jti` — kept until the
 * assertion expires (RFC 7523 §3 item 7; ID-JAG profile §7.4.2: "at minimum until exp"). The
 * table keeps its first name, `assertion_jtis`. The primary key makes the check one atomic
 * insert, so every replica sees every use.
 */
@Entity('assertion_jtis')
@Index('assertion_jtis_expires', ['expiresAt'])
export class UsedKeyEntity {
  /** sha256 (base64url) of the namespaced key: fixed width whatever its length. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;
}
