import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningService {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process wrote, for assertions about logs (e.g. no secrets). */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const WORKSPACE = join(__dirname, '../../../..');

/**
 * Starts a built service (`dist/apps/<app>/main.js`, produced by `npm run build`, which
 * `npm test` runs first) on the given port and waits until `/health/live` answers.
 */
export async function startService(
  app: 'auth-server' | 'mcp-server' | 'audit-service' | 'mcp-gateway',
  port: number,
  env: Record<string, string | undefined> = {},
  timeoutMs = 30_000,
): Promise<RunningService> {
  const main = join(WORKSPACE, 'dist/apps', app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  let out = '';
  const child = spawn(process.execPath, [main], {
    cwd: WORKSPACE,
    env: { ...process.env, NODE_ENV: 'test', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${app} exited with ${child.exitCode}:\n${out}`);
    try {
      const res = await fetch(`${url}/health/live`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${app} did not become live within ${timeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    process: child,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
