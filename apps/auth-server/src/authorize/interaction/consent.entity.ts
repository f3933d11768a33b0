import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { epochColumn } from '@portcullis/database';

/** What a person approved for a client at a resource; later requests within it skip the page. */
@Entity('consents')
@Index('consents_user_client_resource', ['userId', 'clientId', 'resource'], { unique: true })
export class ConsentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ type: 'varchar', length: 36, name: 'user_id' })
  userId: string;

  @Column({ type: 'varchar', length: 255, name: 'client_id' })
  clientId: string;

  @Column({ type: 'varchar', length: 2048 })
  resource: string;

  @Column({ type: 'text' })
  scope: string;

  @Column({ ...epochColumn(), name: 'updated_at' })
  updatedAt: number;
}
