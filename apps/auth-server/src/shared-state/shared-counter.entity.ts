import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/**
 * A counter every replica adds to (shared-state/sql-state.ts): login failures, registrations
 * per address. Keyed by a digest, so usernames and addresses are not stored as typed.
 */
@Entity('shared_counters')
@Index('shared_counters_expires', ['expiresAt'])
export class SharedCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'integer' })
  count: number;

  @Column({ ...epochColumn(), name: 'last_at' })
  lastAt: number;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;
}
