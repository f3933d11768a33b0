import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/** An issued authorization code, stored only as its sha256. */
@Entity('authorization_codes')
// The purge asks whether any code of a grant is still live (token.purges.ts).
@Index('authorization_codes_grant', ['grantId'])
export class AuthorizationCodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 64, name: 'code_hash' })
  codeHash: string;

  @Column({ type: 'varchar', length: 36, name: 'grant_id' })
  grantId: string;

  @Column({ type: 'varchar', length: 255, name: 'client_id' })
  clientId: string;

  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Column({ type: 'varchar', length: 2048, name: 'redirect_uri' })
  redirectUri: string;

  @Column({ type: 'boolean', name: 'redirect_uri_given' })
  redirectUriGiven: boolean;

  @Column({ type: 'varchar', length: 2048 })
  resource: string;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'varchar', length: 128, name: 'code_challenge' })
  codeChallenge: string;

  @Column({ ...epochColumn(), name: 'expires_at' })
  expiresAt: number;

  @Column({ ...epochColumn({ nullable: true }), name: 'consumed_at' })
  consumedAt: number | null;
}
