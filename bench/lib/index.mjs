// Shared helpers for the scripts under bench/: import from here.
export { CookieJar } from './cookie-jar.mjs';
export { isClean, measure } from './load.mjs';
export { backendLister, BENCH_POSTGRES_URL, countersPerRequest, createDatabase, databaseCounters, withClient } from './postgres.mjs';
export { freePort, requireFile, startIngestSink, startNode } from './processes.mjs';
export { BENCH_JSON_PREFIX, emitBenchJson, parseBenchJson } from './report.mjs';
export { median, percentile, ratio, round } from './stats.mjs';
export { formatTable, printTable } from './table.mjs';
export { analyseProfile, frameOwner } from './cpu-profile.mjs';
export { startCpuMeter } from './cpu-meter.mjs';
