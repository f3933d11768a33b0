// The machine-readable line a benchmark prints last, so a runner (bench/run.mjs) can collect
// rows from several benchmark scripts without parsing their tables.

export const BENCH_JSON_PREFIX = 'BENCH_JSON ';

/** Prints `BENCH_JSON <json>` on its own line. */
export function emitBenchJson(payload, out = process.stdout) {
  out.write(`${BENCH_JSON_PREFIX}${JSON.stringify(payload)}\n`);
}

/** Finds the last `BENCH_JSON` line in a script's output and parses it; undefined if none. */
export function parseBenchJson(output) {
  const lines = output.split('\n').filter((l) => l.startsWith(BENCH_JSON_PREFIX));
  if (lines.length === 0) return undefined;
  return JSON.parse(lines[lines.length - 1].slice(BENCH_JSON_PREFIX.length));
}
