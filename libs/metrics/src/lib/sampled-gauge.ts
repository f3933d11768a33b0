import type { Gauge } from 'prom-client';
import { declareCounter, declareGauge } from './metrics-registry';

/** Reads one current value (a row count, a queue depth): called at scrape time. */
export type GaugeSample = () => Promise<number> | number;

export interface SampledGaugeConfig {
  name: string;
  help: string;
  /** How the values of several sources in one process combine (normally there is one). */
  combine: 'sum' | 'max';
  /** A sample slower than this counts as failed: a scrape never waits on a hung database. */
  timeoutMs?: number;
}

/**
 * Every sample that failed or timed out at scrape time, by gauge. The registry reads all its
 * metrics at once, so a failure during one scrape shows from the next one on.
 */
const sampleFailures = declareCounter({
  name: 'portcullis_metrics_sample_failures_total',
  help: 'Scrape-time gauge samples that failed or timed out (the database or broker they read was away), by gauge.',
  labelNames: ['gauge'],
});

/**
 * A gauge computed when Prometheus scrapes (a prom-client `collect` callback), from sources the
 * running components add and remove. A failing source never fails the scrape: the failure is
 * counted and the gauge reports what the other sources said, or NaN when none answered (a gap
 * in the graph, never a stale value that looks healthy).
 */
export class SampledGauge {
  private readonly sources = new Set<GaugeSample>();
  private readonly gauge: Gauge;
  private readonly timeoutMs: number;

  constructor(private readonly config: SampledGaugeConfig) {
    this.timeoutMs = config.timeoutMs ?? 2000;
    const sources = this.sources;
    const sample = (source: GaugeSample) => this.sample(source);
    this.gauge = declareGauge({
      name: config.name,
      help: config.help,
      async collect() {
        if (sources.size === 0) return this.set(0);
        const values = (await Promise.all([...sources].map(sample))).filter((v): v is number => v !== undefined);
        if (values.length === 0) return this.set(Number.NaN);
        this.set(config.combine === 'sum' ? values.reduce((a, b) => a + b, 0) : Math.max(...values));
      },
    });
  }

  get name(): string {
    return this.config.name;
  }

  /** Adds a source; returns its removal (call it when the component stops). */
  add(source: GaugeSample): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  private async sample(source: GaugeSample): Promise<number | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timed out')), this.timeoutMs);
      timer.unref();
    });
    try {
      const value = await Promise.race([Promise.resolve().then(source), timeout]);
      if (!Number.isFinite(value)) throw new Error('not a number');
      return value;
    } catch {
      sampleFailures.inc({ gauge: this.config.name });
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

const sampledGauges = new Map<string, SampledGauge>();

/** The process's sampled gauge of this name (one per name, like every declaration here). */
export function declareSampledGauge(config: SampledGaugeConfig): SampledGauge {
  let gauge = sampledGauges.get(config.name);
  if (!gauge) sampledGauges.set(config.name, (gauge = new SampledGauge(config)));
  return gauge;
}
