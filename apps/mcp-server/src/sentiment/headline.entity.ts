import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One news headline about a ticker, scored once when stored. */
@Entity('headlines')
@Index(['ticker', 'publishedAt'])
export class HeadlineEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ type: 'varchar', length: 12 })
  ticker: string;

  @Column({ type: 'varchar', length: 500 })
  headline: string;

  @Column({ type: 'varchar', length: 64 })
  source: string;

  @Column()
  publishedAt: Date;

  @Column({ type: 'real' })
  score: number;
}
