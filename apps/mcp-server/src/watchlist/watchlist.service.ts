import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { WatchlistEntryEntity } from './watchlist-entry.entity';

/** Enough for any person; stops one subject from filling the table. */
export const MAX_WATCHLIST_SIZE = 100;

export class WatchlistFull extends Error {
  constructor() {
    super(`a watchlist holds at most ${MAX_WATCHLIST_SIZE} tickers`);
  }
}

/** Each subject's own watchlist: every query is scoped by the subject from the token. */
@Injectable()
export class WatchlistService {
  constructor(@InjectRepository(WatchlistEntryEntity) private readonly entries: Repository<WatchlistEntryEntity>) {}

  async list(subject: string): Promise<string[]> {
    const rows = await this.entries.find({ where: { subject }, order: { ticker: 'ASC' } });
    return rows.map((r) => r.ticker);
  }

  /** Idempotent: adding a ticker that is already there changes nothing. */
  async add(subject: string, ticker: string): Promise<{ added: boolean; tickers: string[] }> {
    const existing = await this.entries.findOne({ where: { subject, ticker } });
    if (!existing) {
      if ((await this.entries.count({ where: { subject } })) >= MAX_WATCHLIST_SIZE) throw new WatchlistFull();
      // orIgnore: a concurrent add of the same ticker is not an error.
      await this.entries.createQueryBuilder().insert().values({ subject, ticker, addedAt: new Date() }).orIgnore().execute();
    }
    return { added: !existing, tickers: await this.list(subject) };
  }

  async remove(subject: string, ticker: string): Promise<{ removed: boolean; tickers: string[] }> {
    const result = await this.entries.delete({ subject, ticker });
    return { removed: (result.affected ?? 0) > 0, tickers: await this.list(subject) };
  }
}
