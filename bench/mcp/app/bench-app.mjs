// Where the bench's own mcp-server entry (src/main.ts) is built, and which of its variants
// each bench label runs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BENCH_APP = join(ROOT, 'dist/bench/mcp/app/main.js');

/** Bench label → BENCH_VARIANT of src/main.ts. */
export const BENCH_VARIANTS = {
  guarded: 'guarded',
  'guard disabled': 'unguarded',
  'guarded without audit events': 'without-audit',
};

/** The built entry's path; builds it first when it is missing (after a change, delete it or rebuild). */
export function ensureBenchApp() {
  if (!existsSync(BENCH_APP)) {
    execFileSync('npx', ['webpack-cli', 'build', '--config', 'bench/mcp/app/webpack.config.js', '--no-stats'], {
      cwd: ROOT,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false' },
    });
  }
  return BENCH_APP;
}
