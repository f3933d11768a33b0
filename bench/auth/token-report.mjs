// token-bench.mjs's figures: per-round lines, the medians over rounds with their spread, the
// table and the summary rows bench/run.mjs prints.
import { isClean, median, ratio, round } from '../lib/index.mjs';

/** The issue's goal for every grant: ours ≥ 1.5 × oidc-provider's req/s (issue 10). */
export const GOAL = 1.5;

export function summaryLine(m) {
  const bad = m.non2xx + m.errors + m.timeouts;
  const pg = m.databaseCpuMsPerReq !== undefined ? ` + PG ${m.databaseCpuMsPerReq} ms` : '';
  const cpu = m.serverCpuMsPerReq !== undefined ? `, CPU/req server ${m.serverCpuMsPerReq} ms${pg}` : '';
  const events = m.auditEventsPerReq !== undefined ? `, ${m.auditEventsPerReq} audit events/req delivered` : '';
  return `${round(m.requestsPerSec)} req/s, p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms, ${m.total} requests in ${m.durationSec} s${cpu}${events}${
    bad ? `, NON-2XX ${m.non2xx} ERRORS ${m.errors} TIMEOUTS ${m.timeouts} ${JSON.stringify(m.statusCodes)}` : ''
  }`;
}

/** Median and [min, max] of the defined values; undefined when there are none. */
function spread(values) {
  const v = values.filter((x) => typeof x === 'number' && !Number.isNaN(x));
  return v.length === 0 ? undefined : { median: median(v), min: Math.min(...v), max: Math.max(...v) };
}

/** "min–max" at `digits` decimals. */
function range(s, digits) {
  if (!s) return undefined;
  const f = (x) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${f(s.min)}–${f(s.max)}`;
}

/** Medians over rounds with their spread; failures and requests summed (any failure invalidates). */
function combine(runs) {
  if (!runs || runs.length === 0) return undefined;
  const sum = (k) => runs.reduce((a, m) => a + m[k], 0);
  const of = (k) => spread(runs.map((m) => m[k]));
  return {
    rps: of('requestsPerSec'),
    p99Ms: median(runs.map((m) => m.p99Ms)),
    total: sum('total'),
    ok: sum('ok'),
    non2xx: sum('non2xx'),
    errors: sum('errors'),
    timeouts: sum('timeouts'),
    serverCpu: of('serverCpuMsPerReq'),
    databaseCpu: of('databaseCpuMsPerReq'),
    auditEventsPerReq: median(runs.map((m) => m.auditEventsPerReq).filter((v) => v !== undefined)),
  };
}

/** One table row for a grant from its per-round results `{ ours: [...], 'oidc-provider': [...] }`. */
export function toRow(scenario, results) {
  const ours = combine(results.ours);
  const theirs = combine(results['oidc-provider']);
  const valid = (!ours || isClean(ours)) && (!theirs || isClean(theirs));
  const r = ratio(ours?.rps?.median, theirs?.rps?.median);
  // Rounds pair the two servers measured back to back: the spread of their ratios.
  const perRound = (results.ours ?? []).map((m, i) => ratio(m.requestsPerSec, results['oidc-provider']?.[i]?.requestsPerSec));
  const failures = (m) => (m ? m.non2xx + m.errors + m.timeouts : undefined);
  return {
    scenario,
    ours_rps: round(ours?.rps?.median, 0),
    ours_rps_range: range(ours?.rps, 0),
    theirs_rps: round(theirs?.rps?.median, 0),
    theirs_rps_range: range(theirs?.rps, 0),
    ratio: round(r, 2),
    ratio_range: range(spread(perRound), 2),
    goal: GOAL,
    met: !valid ? 'INVALID' : r === undefined ? '—' : r >= GOAL ? 'yes' : 'no',
    ours_p99_ms: ours?.p99Ms,
    theirs_p99_ms: theirs?.p99Ms,
    ours_cpu_ms_per_req: round(ours?.serverCpu?.median, 3),
    ours_cpu_range: range(ours?.serverCpu, 3),
    ours_db_cpu_ms_per_req: round(ours?.databaseCpu?.median, 3),
    ours_db_cpu_range: range(ours?.databaseCpu, 3),
    theirs_cpu_ms_per_req: round(theirs?.serverCpu?.median, 3),
    theirs_cpu_range: range(theirs?.serverCpu, 3),
    ours_audit_events_per_req: ours?.auditEventsPerReq,
    ours_non2xx: failures(ours),
    theirs_non2xx: failures(theirs),
    ours_requests: ours?.total,
    theirs_requests: theirs?.total,
    valid,
  };
}

export const COLUMNS = [
  { key: 'scenario', title: 'grant', align: 'left' },
  { key: 'ours_rps', title: 'ours req/s' },
  { key: 'ours_rps_range', title: 'range', align: 'right' },
  { key: 'theirs_rps', title: 'oidc-provider req/s' },
  { key: 'theirs_rps_range', title: 'range', align: 'right' },
  { key: 'ratio', title: 'ratio' },
  { key: 'ratio_range', title: 'per round', align: 'right' },
  { key: 'goalText', title: 'goal', align: 'left' },
  { key: 'met', title: 'met', align: 'left' },
  { key: 'ours_cpu_ms_per_req', title: 'ours CPU ms/req' },
  { key: 'ours_db_cpu_ms_per_req', title: '+ PG' },
  { key: 'theirs_cpu_ms_per_req', title: 'theirs CPU ms/req' },
  { key: 'ours_p99_ms', title: 'ours p99 ms' },
  { key: 'theirs_p99_ms', title: 'theirs p99 ms' },
  { key: 'ours_audit_events_per_req', title: 'audit events/req' },
  { key: 'ours_non2xx', title: 'ours failed' },
  { key: 'theirs_non2xx', title: 'theirs failed' },
];

/** The rows bench/run.mjs collects. */
export function summaryRows(rows) {
  return rows.map((r) => ({
    scenario: `auth-server ${r.scenario} tokens/s (PostgreSQL, durable audit event per token)`,
    ours: r.ours_rps,
    peer: r.theirs_rps,
    peerName: 'oidc-provider (in memory)',
    ratio: r.ratio,
    unit: 'req/s',
    goal: `≥ ${GOAL.toFixed(1)}×`,
    met: r.met === 'yes',
    p99: r.ours_p99_ms,
  }));
}
