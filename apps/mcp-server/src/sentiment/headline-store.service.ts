import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThanOrEqual, Repository } from 'typeorm';
import corpus from './corpus/headlines.json';
import { HeadlineEntity } from './headline.entity';
import { NEUTRAL_BAND, scoreSentiment, type SentimentLabel } from './sentiment-scorer';

export interface TickerSentiment {
  ticker: string;
  days: number;
  headlineCount: number;
  averageScore: number;
  label: SentimentLabel;
  positive: number;
  negative: number;
  neutral: number;
  headlines: { headline: string; publishedAt: string; score: number }[];
}

interface CorpusRow {
  id: string;
  ticker: string;
  daysAgo: number;
  headline: string;
  source: string;
}

const DAY_MS = 24 * 3600_000;

/**
 * The headline store behind `ticker_sentiment`. An empty store is seeded from the sample
 * corpus shipped with the app; its dates are relative (`daysAgo`) and fixed at seeding time,
 * so a fresh deployment has recent news and the news then ages like real news does.
 */
@Injectable()
export class HeadlineStore implements OnApplicationBootstrap {
  private readonly logger = new Logger('HeadlineStore');

  constructor(@InjectRepository(HeadlineEntity) private readonly headlines: Repository<HeadlineEntity>) {}

  /**
   * Runs under the start-up lock (libs/database), so replicas started together see one another's
   * seed; the insert ignores rows that exist anyway (ON CONFLICT DO NOTHING / INSERT OR IGNORE),
   * so a seed is never a duplicate key, whatever runs it.
   */
  async onApplicationBootstrap(): Promise<void> {
    if ((await this.headlines.count()) > 0) return;
    const now = Date.now();
    const rows = (corpus as CorpusRow[]).map((row) => ({
      id: row.id,
      ticker: row.ticker,
      headline: row.headline,
      source: row.source,
      publishedAt: new Date(now - row.daysAgo * DAY_MS),
      score: scoreSentiment(row.headline).score,
    }));
    await this.headlines.createQueryBuilder().insert().values(rows).orIgnore().updateEntity(false).execute();
    this.logger.log(`seeded ${rows.length} sample headlines`);
  }

  async tickerSentiment(ticker: string, days: number, now = Date.now()): Promise<TickerSentiment> {
    const since = new Date(now - days * DAY_MS);
    const rows = await this.headlines.find({
      where: { ticker, publishedAt: MoreThanOrEqual(since) },
      order: { publishedAt: 'DESC' },
      take: 500,
    });
    const count = rows.length;
    const average = count === 0 ? 0 : Math.round((rows.reduce((s, r) => s + r.score, 0) / count) * 1000) / 1000;
    const labelOf = (score: number): SentimentLabel => (score >= NEUTRAL_BAND ? 'positive' : score <= -NEUTRAL_BAND ? 'negative' : 'neutral');
    const tally = { positive: 0, negative: 0, neutral: 0 };
    for (const row of rows) tally[labelOf(row.score)] += 1;
    return {
      ticker,
      days,
      headlineCount: count,
      averageScore: average,
      label: labelOf(average),
      ...tally,
      headlines: rows.slice(0, 10).map((r) => ({ headline: r.headline, publishedAt: r.publishedAt.toISOString(), score: r.score })),
    };
  }
}
