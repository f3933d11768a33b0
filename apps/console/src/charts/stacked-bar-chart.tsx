import { useId } from 'preact/hooks';

export interface ChartSeries {
  name: string;
  /** One value per bucket, in bucket order. */
  values: number[];
}

export interface StackedBarChartProps {
  title: string;
  /** One label per bucket (the x axis), e.g. a time. */
  labels: string[];
  series: ChartSeries[];
  unit: string;
  /** The screen-reader summary, when a sum says nothing (percentiles); by default totals per series. */
  summary?: string;
}

const WIDTH = 640;
const HEIGHT = 200;
const PAD = { top: 10, right: 10, bottom: 24, left: 40 };

/**
 * Stacked bars drawn as plain SVG (no library, nothing from another origin), colours from the
 * style sheet by series position, so dark mode and the CSP both hold. Screen readers get a
 * summary as the image's description and the same numbers as a table.
 */
export function StackedBarChart({ title, labels, series, unit, summary: given }: StackedBarChartProps) {
  const id = useId();
  const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const grand = totals.reduce((a, b) => a + b, 0);
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const barW = plotW / Math.max(1, labels.length);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const summary =
    given ??
    (grand === 0
      ? `No ${unit} in this window.`
      : `${grand} ${unit} in total; ${series.map((s) => `${s.name}: ${s.values.reduce((a, b) => a + b, 0)}`).join(', ')}. Busiest bucket ${labels[totals.indexOf(Math.max(...totals))]} with ${Math.max(...totals)}.`);
  return (
    <figure class="chart" aria-labelledby={`${id}-t`}>
      <figcaption id={`${id}-t`}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-t`} aria-describedby={`${id}-d`} preserveAspectRatio="none">
        <desc id={`${id}-d`}>{summary}</desc>
        <line class="axis" x1={PAD.left} y1={PAD.top + plotH} x2={WIDTH - PAD.right} y2={PAD.top + plotH} />
        <text class="tick" x={PAD.left - 4} y={PAD.top + 8} text-anchor="end">
          {max}
        </text>
        <text class="tick" x={PAD.left - 4} y={PAD.top + plotH} text-anchor="end">
          0
        </text>
        {labels.map((label, i) => {
          let base = 0;
          return (
            <g key={label}>
              {series.map((s, k) => {
                const v = s.values[i] ?? 0;
                if (!v) return null;
                const top = y(base + v);
                const height = y(base) - top;
                base += v;
                return <rect key={s.name} class={`series-${k % 8}`} x={PAD.left + i * barW + 1} y={top} width={Math.max(1, barW - 2)} height={height} />;
              })}
            </g>
          );
        })}
        {labels.length > 0 && (
          <>
            <text class="tick" x={PAD.left} y={HEIGHT - 6}>
              {labels[0]}
            </text>
            <text class="tick" x={WIDTH - PAD.right} y={HEIGHT - 6} text-anchor="end">
              {labels[labels.length - 1]}
            </text>
          </>
        )}
      </svg>
      <ul class="legend" aria-hidden="true">
        {series.map((s, k) => (
          <li key={s.name}>
            <span class={`swatch series-${k % 8}`} />
            {s.name}
          </li>
        ))}
      </ul>
      <details>
        <summary>{title}: as a table</summary>
        <div class="table-scroll">
          <table>
            <caption>{title}</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                {series.map((s) => (
                  <th scope="col" key={s.name}>
                    {s.name}
                  </th>
                ))}
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {labels.map((label, i) =>
                totals[i] === 0 ? null : (
                  <tr key={label}>
                    <th scope="row">{label}</th>
                    {series.map((s) => (
                      <td key={s.name}>{s.values[i] ?? 0}</td>
                    ))}
                    <td>{totals[i]}</td>
                  </tr>
                ),
              )}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
