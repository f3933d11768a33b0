import { useEffect, useState } from 'preact/hooks';
import type { AuditStats } from '@portcullis/contracts';
import type { AuditApi } from '../api/audit-api';
import { StackedBarChart } from '../charts/stacked-bar-chart';
import { bucketLabels, denialSeries, lagSeries, lagSummary, tokenSeries, toolSeries } from '../charts/stats-series';

/** The windows on offer, each with a bucket size that keeps the chart at 60 bars or fewer. */
export const WINDOWS = [
  { label: 'Last 15 minutes', ms: 15 * 60_000, bucket: 15 },
  { label: 'Last hour', ms: 3600_000, bucket: 60 },
  { label: 'Last 6 hours', ms: 6 * 3600_000, bucket: 600 },
  { label: 'Last 24 hours', ms: 24 * 3600_000, bucket: 1800 },
  { label: 'Last 7 days', ms: 7 * 24 * 3600_000, bucket: 3 * 3600 },
] as const;

export function Dashboard({ audit, now = () => new Date() }: { audit: AuditApi; now?: () => Date }) {
  const [choice, setChoice] = useState(1);
  const [stats, setStats] = useState<AuditStats>();
  const [error, setError] = useState<string>();
  const [round, setRound] = useState(0);

  useEffect(() => {
    let live = true;
    const { ms, bucket } = WINDOWS[choice];
    const to = now();
    setError(undefined);
    audit
      .stats(new Date(to.getTime() - ms), to, bucket)
      .then((s) => live && setStats(s))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [audit, choice, round]);

  const labels = stats ? bucketLabels(stats) : [];
  return (
    <section aria-labelledby="dashboard-title">
      <h1 tabIndex={-1} id="dashboard-title">Dashboard</h1>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setRound((r) => r + 1);
        }}
      >
        <label>
          Window{' '}
          <select value={choice} onChange={(e) => setChoice(Number((e.target as HTMLSelectElement).value))}>
            {WINDOWS.map((w, i) => (
              <option key={w.label} value={i}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Refresh</button>
      </form>
      {error && (
        <p role="alert" class="error">
          The numbers did not load: {error}
        </p>
      )}
      <div aria-live="polite" aria-busy={!stats && !error}>
        {!stats && !error && <p>Loading…</p>}
        {stats && (
          <div class="charts">
            <StackedBarChart title="Tokens issued, by grant type" unit="tokens" labels={labels} series={tokenSeries(stats)} />
            <StackedBarChart title="Denials, by reason" unit="denials" labels={labels} series={denialSeries(stats)} />
            <StackedBarChart title="Tool calls, by tool and outcome" unit="tool calls" labels={labels} series={toolSeries(stats)} />
            <StackedBarChart title="Audit pipeline lag (stored minus event time), p50 and p95" unit="ms of lag" labels={labels} series={lagSeries(stats)} summary={lagSummary(stats, labels)} />
          </div>
        )}
      </div>
    </section>
  );
}
