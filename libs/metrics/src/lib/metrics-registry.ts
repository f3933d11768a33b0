import { collectDefaultMetrics, Counter, type CounterConfiguration, Gauge, type GaugeConfiguration, Histogram, type HistogramConfiguration, type Metric, Registry } from 'prom-client';

/**
 * The one registry of this process. Every service is its own process, so one registry per
 * process is one per service; declarations are idempotent (below), so a test that boots several
 * apps in one process, or a module loaded twice, shares the metric instead of failing on it.
 */
export const metricsRegistry = new Registry();

let defaultsCollected = false;

/**
 * The Node process's own metrics under their standard names (`process_cpu_seconds_total`,
 * `nodejs_eventloop_lag_seconds`, heap, GC…), which dashboards everywhere already know.
 */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** Metric names this project declares start with this (Prometheus naming: a namespace prefix). */
export const METRIC_PREFIX = 'portcullis_';

function declared<M extends Metric>(name: string, kind: new (...args: never[]) => M, create: () => M): M {
  if (!name.startsWith(METRIC_PREFIX)) throw new Error(`metric ${name} must start with ${METRIC_PREFIX}`);
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing === undefined) return create();
  if (!(existing instanceof kind)) throw new Error(`metric ${name} is already declared as another type`);
  return existing as M;
}

/** A counter in the process registry (the same object if `name` is already declared). */
export function declareCounter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return declared(config.name, Counter, () => new Counter<L>({ ...config, registers: [metricsRegistry] })) as Counter<L>;
}

/** A histogram in the process registry (the same object if `name` is already declared). */
export function declareHistogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return declared(config.name, Histogram, () => new Histogram<L>({ ...config, registers: [metricsRegistry] })) as Histogram<L>;
}

/** A gauge in the process registry (the same object if `name` is already declared). */
export function declareGauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return declared(config.name, Gauge, () => new Gauge<L>({ ...config, registers: [metricsRegistry] })) as Gauge<L>;
}

/**
 * Latency buckets in seconds for a request path: from a cache hit (1 ms) to the longest wait
 * an MCP client tolerates (30 s).
 */
export const LATENCY_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
