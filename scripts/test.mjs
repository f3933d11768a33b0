// `npm test`: lint and type-check every project, build, then run every project's unit,
// integration and end-to-end tests (real PostgreSQL and RabbitMQ where they touch storage or
// the broker). Ends with one line `N passed, N failed` over every Jest run.
import { spawn } from 'node:child_process';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0' };
const steps = [
  ['nx', 'run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--outputStyle=static'],
  ['nx', 'run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'],
  // One project at a time: several suites stop and start the shared RabbitMQ or load the
  // machine, and their timing-sensitive parts (revocation latency) should not compete.
  ['nx', 'run-many', '-t', 'test', '--parallel=1', '--outputStyle=static'],
];

function run(cmd, args) {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn('npx', [cmd, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (d) => {
        output += d;
        (stream === child.stdout ? process.stdout : process.stderr).write(d);
      });
    }
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Sums Jest's `Tests: … N failed, … N passed, N total` lines. */
function count(output) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  // eslint-disable-next-line no-control-regex
  for (const line of output.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) {
    if (!/^\s*Tests:\s/.test(line)) continue;
    for (const key of Object.keys(totals)) {
      const m = new RegExp(`(\\d+) ${key}`).exec(line);
      if (m) totals[key] += Number(m[1]);
    }
  }
  return totals;
}

let exit = 0;
for (const [cmd, ...args] of steps) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const { code, output } = await run(cmd, args);
  if (args.includes('test')) {
    const t = count(output);
    console.log(`\n${t.passed} passed, ${t.failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`);
  }
  if (code !== 0) {
    exit = code;
    break;
  }
}
process.exit(exit);
