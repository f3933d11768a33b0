// Paired A/B of two builds of our auth-server on one grant: both run at once (each on its own
// PostgreSQL database), and short rounds alternate between them, so a burst of load from
// elsewhere on a shared machine lands on both rather than on one build's whole run. Prints the
// CPU per request (server, and its PostgreSQL backends) of each round and the ratio B ÷ A of
// each back-to-back pair; the summary is the median ratio and its range. It asserts nothing.
//
//   node bench/auth/token-ab.mjs --a previous/main.js --b dist/apps/auth-server/main.js \
//        [--scenario client_credentials|authorization_code] [--pairs 8] [--duration 4] [--warmup 1] [--rate 300]
//
// A copy of a build outside the workspace resolves its packages from the workspace (ours.mjs).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from '../lib/index.mjs';
import { checkEquivalence } from './credentials.mjs';
import { measureGrant } from './grant-runs.mjs';
import { startOurs } from './ours.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    scenario: { type: 'string', default: 'client_credentials' },
    pairs: { type: 'string', default: '8' },
    duration: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '16' },
    'max-codes': { type: 'string', default: '1500' },
    rate: { type: 'string', default: '0' },
  },
});
if (!values.a || !values.b) {
  process.stderr.write('usage: node bench/auth/token-ab.mjs --a A/main.js --b B/main.js [--scenario s] [--pairs n] [--duration s] [--warmup s]\n');
  process.exit(2);
}
const opts = {
  duration: Number(values.duration),
  warmup: Number(values.warmup),
  connections: Number(values.connections),
  maxCodes: Number(values['max-codes']),
  // Requests per second offered to each build (0: as fast as it answers). CPU per request
  // falls as the rate rises (more requests per wake-up, per group commit), so on a shared
  // machine whose spare CPU comes and goes, a fixed rate keeps the two builds comparable.
  rate: Number(values.rate),
};
const log = (msg) => process.stderr.write(`${msg}\n`);
/** measureGrant's progress lines (minting) are not wanted between the pairs' lines. */
const quiet = () => undefined;

const servers = [];
try {
  for (const [name, main] of [['A', values.a], ['B', values.b]]) {
    const s = await startOurs({ root: ROOT, main: resolve(main) });
    s.name = name;
    servers.push(s);
    await checkEquivalence(s);
    log(`${name}: ${main} (pid ${s.pid})`);
  }
  // One round each before measuring: both builds past their first compilations.
  for (const s of servers) await measureGrant({ server: s, scenario: values.scenario, opts: { ...opts, duration: opts.warmup + 1 }, ccRate: 100, log: quiet });
  const ratios = [];
  const dbRatios = [];
  const rows = { A: [], B: [] };
  for (let pair = 0; pair < Number(values.pairs); pair += 1) {
    const order = pair % 2 === 0 ? servers : [...servers].reverse();
    const got = {};
    for (const s of order) {
      const m = await measureGrant({ server: s, scenario: values.scenario, opts, ccRate: 150, log: quiet });
      if (m.non2xx || m.errors || m.timeouts) throw new Error(`${s.name}: ${m.non2xx} non-2xx, ${m.errors} errors, ${m.timeouts} timeouts`);
      got[s.name] = m;
      rows[s.name].push(m);
    }
    const r = got.B.serverCpuMsPerReq / got.A.serverCpuMsPerReq;
    const rdb = got.B.databaseCpuMsPerReq / got.A.databaseCpuMsPerReq;
    ratios.push(r);
    dbRatios.push(rdb);
    log(
      `pair ${pair + 1}: A ${got.A.serverCpuMsPerReq} + ${got.A.databaseCpuMsPerReq} ms/req (${Math.round(got.A.requestsPerSec)} req/s), ` +
        `B ${got.B.serverCpuMsPerReq} + ${got.B.databaseCpuMsPerReq} ms/req (${Math.round(got.B.requestsPerSec)} req/s); server B/A ${r.toFixed(3)}`,
    );
  }
  const range = (xs) => `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
  const cpu = (name) => median(rows[name].map((m) => m.serverCpuMsPerReq));
  console.log(
    `${values.scenario}: server CPU/req A ${cpu('A')} ms, B ${cpu('B')} ms; B/A median ${median(ratios).toFixed(3)} (${range(ratios)}) over ${ratios.length} pairs; ` +
      `PostgreSQL B/A ${median(dbRatios).toFixed(3)} (${range(dbRatios)}); load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').trim()}`,
  );
} finally {
  for (const s of servers) await s.stop().catch((e) => log(`stopping ${s.name}: ${e.message}`));
}
