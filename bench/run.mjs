// `npm run bench`: runs every benchmark of the project, one after another (they would only
// disturb each other side by side on a 2-core machine), and prints one table: scenario, our
// figure, the peer's figure where there is one, the ratio, and the goal. Each benchmark
// script prints its own detailed table and ends with a `BENCH_JSON {…, summary: […]}` line,
// which is what this runner reads. Needs the built services (`npm run build`), and the
// PostgreSQL and RabbitMQ the tests use.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, parseBenchJson } from './lib/index.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const BENCHMARKS = [
  // The three grants (client_credentials, code exchange, refresh), median of 3 rounds each.
  { name: 'auth-server token endpoint vs oidc-provider', script: 'auth/token-bench.mjs', args: ['--rounds', '3', '--duration', '8'] },
  { name: 'mcp-server tools/call: guard vs no guard vs SDK baseline', script: 'mcp/tools-call.bench.mjs', args: [] },
  { name: 'mcp-server tools/call: tracing on vs off', script: 'mcp/tracing.bench.mjs', args: [] },
  { name: 'mcp-server tools/call: 20,000 distinct tokens vs one', script: 'mcp/tools-call.bench.mjs', args: [], env: { BENCH_DISTINCT_TOKENS: '20000', BENCH_ROUNDS: '3' } },
  // Pipeline vs its floor (bare broker, outbox without framework) in the same run, 3 rounds.
  { name: 'audit pipeline vs floor: outbox → RabbitMQ → PostgreSQL', script: 'audit/pipeline.mjs', args: [], env: { BENCH_ROUNDS: '3', BENCH_RATE: '20000', BENCH_SECONDS: '8' } },
  { name: 'audit query API over 10 million events', script: 'audit/query.mjs', args: [] },
  { name: 'end to end: tool calls across three replicas vs one', script: 'e2e/replicas.bench.mjs', args: [] },
  { name: 'mcp-gateway: tools/call and first SSE event, through the gateway vs directly', script: 'gateway/gateway.bench.mjs', args: [] },
];

for (const app of ['auth-server', 'mcp-server', 'audit-service', 'mcp-gateway']) {
  if (!existsSync(join(root, 'dist/apps', app, 'main.js'))) {
    console.error(`dist/apps/${app}/main.js is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}

function run(bench) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, [join(here, bench.script), ...bench.args], {
      cwd: root,
      env: { ...process.env, ...(bench.env ?? {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const rows = [];
for (const bench of BENCHMARKS) {
  if (!existsSync(join(here, bench.script))) {
    rows.push({ scenario: `${bench.name}: script missing (${bench.script})` });
    continue;
  }
  console.log(`\n=== ${bench.name} (bench/${bench.script}) ===`);
  const { code, output } = await run(bench);
  const payload = parseBenchJson(output);
  if (!payload?.summary) {
    rows.push({ scenario: `${bench.name}: no result (exit ${code})` });
    continue;
  }
  for (const s of payload.summary) {
    rows.push({
      scenario: s.scenario,
      ours: s.ours === undefined ? undefined : `${Number(s.ours).toLocaleString('en-US', { maximumFractionDigits: 2 })} ${s.unit ?? ''}`.trim(),
      peer: s.peer === undefined ? undefined : `${Number(s.peer).toLocaleString('en-US', { maximumFractionDigits: 2 })} (${s.peerName})`,
      ratio: s.ratio === undefined ? undefined : `${Number(s.ratio).toFixed(2)}×`,
      goal: s.goal,
      met: s.met === undefined ? undefined : s.met ? 'yes' : 'no',
    });
  }
}

console.log(`\n=== Portcullis benchmarks — node ${process.version}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} ===\n`);
console.log(
  formatTable(
    [
      { key: 'scenario', title: 'scenario', align: 'left' },
      { key: 'ours', title: 'ours', align: 'right' },
      { key: 'peer', title: 'peer', align: 'right' },
      { key: 'ratio', title: 'ratio', align: 'right' },
      { key: 'goal', title: 'goal', align: 'left' },
      { key: 'met', title: 'met', align: 'left' },
    ],
    rows,
  ),
);
