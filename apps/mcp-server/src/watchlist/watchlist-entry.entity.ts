import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One ticker on one subject's watchlist. */
@Entity('watchlist_entries')
@Unique(['subject', 'ticker'])
export class WatchlistEntryEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** The token's `sub`: every query filters on it, so one user never sees another's list. */
  @Column({ type: 'varchar', length: 255 })
  subject: string;

  @Column({ type: 'varchar', length: 12 })
  ticker: string;

  @Column()
  addedAt: Date;
}
