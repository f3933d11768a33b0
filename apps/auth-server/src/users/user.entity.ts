import { Column, Entity, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/** Space-separated in the column; TypeORM may also hand back the array it was given (after an insert). */
const rolesTransformer = {
  to: (v: string[] | undefined) => (v ?? []).join(' '),
  from: (v: string | string[] | null) => (Array.isArray(v) ? v : v ? v.split(' ') : []),
};

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 128, unique: true })
  username: string;

  /** scrypt, encoded with its parameters and salt (see password-hasher.ts). */
  @Column({ type: 'varchar', length: 255, name: 'password_hash' })
  passwordHash: string;

  /** Unused since login throttling moved to LoginThrottle (growing delays, no lock); kept for the schema. */
  @Column({ type: 'integer', name: 'failed_logins', default: 0 })
  failedLogins: number;

  /** Unused, as failedLogins. */
  @Column({ ...epochColumn({ nullable: true }), name: 'locked_until' })
  lockedUntil: number | null;

  @Column({ ...epochColumn(), name: 'created_at' })
  createdAt: number;

  /**
   * The person's roles (libs/scopes `Role`), stored space-separated: a role lets the person
   * hold the scopes that name it (admin:read, admin:write).
   */
  @Column({ type: 'varchar', length: 256, default: '', transformer: rolesTransformer })
  roles: string[];

  /** Set → the person cannot sign in and their tokens stop refreshing (admin API). */
  @Column({ ...epochColumn({ nullable: true }), name: 'disabled_at' })
  disabledAt: number | null;
}
