import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/** A logged-in browser. The cookie holds a random id; only its sha256 is stored. */
@Entity('sessions')
@Index('sessions_expires', ['expiresAt'])
export class SessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'id_hash' })
  idHash: string;

  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;
}
