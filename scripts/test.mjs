// `npm test`: lint and type-check every project, run every project's unit and integration
// tests (real PostgreSQL and RabbitMQ where they touch storage or the broker), build, then run
// the end-to-end suite against the built services.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const steps = [
  ['nx', 'run-many', '-t', 'lint', 'typecheck', '--parallel=2', '--outputStyle=static'],
  ['nx', 'run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'],
  ['nx', 'run-many', '-t', 'test', '--parallel=1', '--outputStyle=static'],
];
for (const [cmd, ...args] of steps) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync('npx', [cmd, ...args], { stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
