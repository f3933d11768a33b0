/** One sample of a scrape: its full name (`x_bucket`, `x_count`…), labels and value. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PrometheusFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string;
  samples: PrometheusSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
/** A sample line of text format 0.0.4 without a timestamp (prom-client writes none). */
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\n"])*)"(,|$)/y;
const COMMENT = new RegExp(`^# (HELP|TYPE) (${NAME}) ?(.*)$`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, readonly string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count'] };

function parseValue(text: string): number {
  // Go's ParseFloat, which Prometheus uses, takes NaN and Inf in any case (prom-client writes `Nan`).
  if (/^[+-]?(inf|nan)$/i.test(text)) return /nan/i.test(text) ? Number.NaN : text.startsWith('-') ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad sample value ${text}`);
  return Number(text);
}

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text);
    if (!m) throw new Error(`bad labels {${text}}`);
    if (m[1] in labels) throw new Error(`label ${m[1]} repeated`);
    labels[m[1]] = m[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/**
 * Text format 0.0.4 (what Prometheus scrapes), read strictly: every line a HELP/TYPE comment or
 * a well-formed sample, every sample in a family declared by `# TYPE` before it, a histogram's
 * buckets ending at `+Inf` and agreeing with its `_count`. Throws on the first violation.
 */
export function parsePrometheusText(text: string): Map<string, PrometheusFamily> {
  const families = new Map<string, PrometheusFamily>();
  const familyOf = (sample: string) => {
    const exact = families.get(sample);
    if (exact && !SUFFIXES[exact.type]) return exact;
    for (const family of families.values()) if ((SUFFIXES[family.type] ?? []).some((s) => sample === family.name + s)) return family;
    return undefined;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = COMMENT.exec(line);
      if (!m) continue; // a plain comment
      const family = families.get(m[2]) ?? { name: m[2], type: 'untyped', help: '', samples: [] };
      families.set(m[2], family);
      if (m[1] === 'HELP') family.help = m[3];
      else if (TYPES.has(m[3])) family.type = m[3] as PrometheusFamily['type'];
      else throw new Error(`bad type in: ${line}`);
      continue;
    }
    const m = SAMPLE_LINE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const family = familyOf(m[1]);
    if (!family || family.type === 'untyped') throw new Error(`sample of an undeclared family: ${line}`);
    family.samples.push({ name: m[1], labels: parseLabels(m[2]), value: parseValue(m[3]) });
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function checkHistogram(family: PrometheusFamily): void {
  const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort());
  for (const count of family.samples.filter((s) => s.name === `${family.name}_count`)) {
    const inf = family.samples.find((s) => s.name === `${family.name}_bucket` && s.labels.le === '+Inf' && key(s.labels) === key(count.labels));
    if (!inf || inf.value !== count.value) throw new Error(`histogram ${family.name}: +Inf bucket does not match _count`);
  }
}

/** A /metrics answer, checked and parsed (parsePrometheusText), with lookups for assertions. */
export class Scrape {
  readonly families: ReadonlyMap<string, PrometheusFamily>;

  constructor(readonly text: string) {
    this.families = parsePrometheusText(text);
  }

  /** The samples of a family whose labels include `labels` (a histogram's: its `_count` samples). */
  samples(name: string, labels: Record<string, string> = {}): PrometheusSample[] {
    const family = this.families.get(name);
    const sampleName = family?.type === 'histogram' || family?.type === 'summary' ? `${name}_count` : name;
    return (family?.samples ?? []).filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** The sum of the matching samples (counters, gauges) or observation counts (histograms); 0 when none. */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples(name, labels).reduce((sum, s) => sum + s.value, 0);
  }

  /** How much `name` (with `labels`) grew since an earlier scrape `before`: counters and histogram counts. */
  since(before: Scrape, name: string, labels: Record<string, string> = {}): number {
    return this.value(name, labels) - before.value(name, labels);
  }

  /** Every label value of every sample, for "no client_id or subject in labels" checks. */
  labelValues(): Set<string> {
    return new Set([...this.families.values()].flatMap((f) => f.samples.flatMap((s) => Object.values(s.labels))));
  }

  labelNames(): Set<string> {
    return new Set([...this.families.values()].flatMap((f) => f.samples.flatMap((s) => Object.keys(s.labels))));
  }
}

/** GET `${baseUrl}/metrics` (with the scraper's bearer token, if given), checked and parsed. */
export async function scrapeMetrics(baseUrl: string, token?: string): Promise<Scrape> {
  const res = await fetch(`${baseUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${await res.text()}`);
  return new Scrape(await res.text());
}
