// HTTP load generation with autocannon: a warm-up, then one measured run, summarised.
import autocannon from 'autocannon';

/**
 * Runs autocannon against one endpoint and returns a summary:
 * `{ requestsPerSec, p50Ms, p99Ms, total, ok, non2xx, errors, timeouts, durationSec, warmupTotal, measuredHook, statusCodes }`.
 *
 * Options (all autocannon options pass through): `url`, `method`, `headers`, `body`,
 * `requests` (for per-request bodies, e.g. single-use codes), `connections` (default 16),
 * `duration` seconds (default 10) or `amount` (a fixed number of requests),
 * `warmupSeconds` / `warmupAmount` (default 2 s, not counted; 0 disables), and
 * `beforeMeasured()` / `afterMeasured(valueFromBefore)` hooks around the measured run only
 * (e.g. CPU counters); what afterMeasured returns is `measuredHook` in the summary.
 *
 * requestsPerSec is completed requests over the wall-clock time from the start to the last
 * response. autocannon's own `duration` only ends at its next one-second tick, so for an
 * `amount` run (a fixed number of single-use codes) it rounds the time up to a whole second:
 * 10,000 codes exchanged in 3.6 s read as 4 s.
 */
export async function measure(options) {
  const { warmupSeconds = 2, warmupAmount, warmupRequests, beforeMeasured, afterMeasured, ...rest } = options;
  const base = { connections: 16, ...rest };
  if (base.amount === undefined && base.duration === undefined) base.duration = 10;
  let warmupTotal = 0;

  if (warmupAmount || (warmupAmount === undefined && warmupSeconds > 0)) {
    const { duration: _d, amount: _a, ...warm } = base;
    if (warmupRequests) warm.requests = warmupRequests;
    if (warmupAmount) warm.amount = warmupAmount;
    else warm.duration = warmupSeconds;
    const w = await run(warm);
    warmupTotal = w.totalCompletedRequests ?? w.requests.total;
  }
  const hookValue = beforeMeasured ? await beforeMeasured() : undefined;
  const result = await run(base);
  const afterValue = afterMeasured ? await afterMeasured(hookValue) : undefined;
  const completed = result.totalCompletedRequests ?? result.requests.total;
  const durationSec = result.wallDurationSec > 0 ? result.wallDurationSec : result.duration;
  return {
    requestsPerSec: durationSec > 0 ? completed / durationSec : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: completed,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec: Math.round(durationSec * 1000) / 1000,
    warmupTotal,
    measuredHook: afterValue,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count])),
  };
}

/** True when every request of a measured run got a 2xx: a run with failures is not a result. */
export function isClean(summary) {
  return summary.non2xx === 0 && summary.errors === 0 && summary.timeouts === 0 && summary.ok === summary.total;
}

function run(opts) {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    let lastResponseAt = startedAt;
    const instance = autocannon(opts, (err, result) =>
      err ? reject(err) : resolve({ ...result, wallDurationSec: (lastResponseAt - startedAt) / 1000 }),
    );
    instance.on('response', () => {
      lastResponseAt = performance.now();
    });
  });
}
