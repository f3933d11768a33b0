import { z } from 'zod';
import { InvalidRequest } from '@portcullis/oauth';

/** The widest window the dashboard may ask for: a month, enough for trends, bounded for the database. */
export const MAX_STATS_WINDOW_MS = 31 * 24 * 3600 * 1000;
/** At most this many buckets per answer: a chart cannot show more points than a screen has pixels. */
export const MAX_STATS_BUCKETS = 1440;
const DEFAULT_WINDOW_MS = 3600 * 1000;

const instant = z.iso.datetime({ offset: true }).transform((v) => Date.parse(v));

/** Query parameters of GET /audit/stats: [from, to) cut into buckets of bucket_seconds. */
const statsQuerySchema = z
  .strictObject({
    from: instant.optional(),
    to: instant.optional(),
    bucket_seconds: z.coerce.number().int().min(1).max(86_400).default(60),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, '`from` must be before `to`');

export interface StatsWindow {
  fromMs: number;
  toMs: number;
  bucketMs: number;
}

/**
 * The window a request asks for: `to` defaults to now, `from` to an hour before `to`. Too wide
 * a window or too many buckets is refused with invalid_request naming the limit, never
 * silently shortened: a chart that quietly covers less than asked would mislead.
 */
export function parseStatsWindow(query: unknown, now = Date.now()): StatsWindow {
  const result = statsQuerySchema.safeParse(query ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new InvalidRequest(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  }
  const q = result.data;
  const toMs = q.to ?? (q.from !== undefined ? Math.min(now, q.from + DEFAULT_WINDOW_MS) : now);
  const fromMs = q.from ?? toMs - DEFAULT_WINDOW_MS;
  if (fromMs >= toMs) throw new InvalidRequest('`from` must be before `to`');
  if (toMs - fromMs > MAX_STATS_WINDOW_MS) throw new InvalidRequest('the window from `from` to `to` is at most 31 days');
  const bucketMs = q.bucket_seconds * 1000;
  if (Math.ceil((toMs - fromMs) / bucketMs) > MAX_STATS_BUCKETS) {
    throw new InvalidRequest(`at most ${MAX_STATS_BUCKETS} buckets: make bucket_seconds larger or the window shorter`);
  }
  return { fromMs, toMs, bucketMs };
}
