import type { AuditStats, AuditStatsBucket } from '@portcullis/contracts';
import type { ChartSeries } from './stacked-bar-chart';

/** One series per distinct key over all buckets, zero where a bucket has none. */
function seriesOf<T extends { count: number }>(stats: AuditStats, pick: (b: AuditStatsBucket) => T[], name: (t: T) => string): ChartSeries[] {
  const names = [...new Set(stats.buckets.flatMap((b) => pick(b).map(name)))].sort();
  return names.map((n) => ({ name: n, values: stats.buckets.map((b) => pick(b).filter((t) => name(t) === n).reduce((sum, t) => sum + t.count, 0)) }));
}

export const tokenSeries = (stats: AuditStats) => seriesOf(stats, (b) => b.tokens_issued, (t) => t.grant_type);
export const denialSeries = (stats: AuditStats) => seriesOf(stats, (b) => b.denials, (d) => d.reason);
export const toolSeries = (stats: AuditStats) => seriesOf(stats, (b) => b.tool_calls, (t) => `${t.tool} (${t.outcome})`);

/** Lag is not a sum: p50 and p95 side by side per bucket, as a table and a chart of p95. */
export function lagSeries(stats: AuditStats): ChartSeries[] {
  return [
    { name: 'p50 ms', values: stats.buckets.map((b) => b.pipeline_lag_ms?.p50 ?? 0) },
    { name: 'p95 − p50 ms', values: stats.buckets.map((b) => (b.pipeline_lag_ms ? b.pipeline_lag_ms.p95 - b.pipeline_lag_ms.p50 : 0)) },
  ];
}

/** Bucket labels: the local time of each bucket's start, with the date when the window spans days. */
export function bucketLabels(stats: AuditStats): string[] {
  const days = new Set(stats.buckets.map((b) => b.start.slice(0, 10))).size > 1;
  return stats.buckets.map((b) => {
    const d = new Date(b.start);
    const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    return days ? `${d.toLocaleDateString([], { month: 'short', day: 'numeric' })} ${time}` : time;
  });
}

/** What the lag chart says to a screen reader: the worst p95 and where, not a meaningless sum. */
export function lagSummary(stats: AuditStats, labels: string[]): string {
  const lags = stats.buckets.map((b, i) => ({ lag: b.pipeline_lag_ms, label: labels[i] })).filter((b) => b.lag !== null);
  if (!lags.length) return 'No events stored in this window.';
  const worst = lags.reduce((a, b) => ((b.lag?.p95 ?? 0) > (a.lag?.p95 ?? 0) ? b : a));
  return `Highest p95 lag ${worst.lag?.p95} ms at ${worst.label} (p50 there ${worst.lag?.p50} ms), over ${lags.length} bucket${lags.length === 1 ? '' : 's'} with events.`;
}
