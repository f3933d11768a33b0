// Starting and stopping the servers a benchmark measures, on loopback and free ports.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Throws a one-line, actionable error when a built artefact is missing. */
export function requireFile(path, hint) {
  if (!existsSync(path)) throw new Error(`${path} is missing${hint ? `: ${hint}` : ''}`);
}

/**
 * Spawns `node <script>` and waits until `readyUrl` answers 2xx (`inheritEnv: false` starts
 * it with a clean environment plus `env`). Output goes to `logFile`
 * (or is discarded) so a chatty server does not slow itself down on a pipe nobody reads; the
 * last few KiB are kept for the error message if the process dies or never gets ready.
 *
 * Returns `{ pid, process, output(), stop() }`; stop() sends SIGTERM, then SIGKILL after 10 s.
 */
export async function startNode({ script, args = [], env = {}, inheritEnv = true, cwd, readyUrl, timeoutMs = 30_000, logFile, nodeArgs = [] }) {
  // inheritEnv false: only PATH and HOME from this process, so settings in the caller's shell
  // (a BROKER_URL, a CLIENTS_FILE…) cannot change what is measured. Undefined values unset.
  const base = inheritEnv ? { ...process.env } : { PATH: process.env.PATH, HOME: process.env.HOME };
  const childEnv = Object.fromEntries(Object.entries({ ...base, ...env }).filter(([, v]) => v !== undefined));
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const log = logFile ? createWriteStream(logFile) : undefined;
  const keep = (chunk) => {
    tail = (tail + chunk).slice(-8192);
    log?.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${script} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail}`);
    }
    try {
      const res = await fetch(readyUrl);
      await res.arrayBuffer();
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} was not ready at ${readyUrl} within ${timeoutMs} ms:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    pid: child.pid,
    process: child,
    output: () => tail,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const result = await exited;
      clearTimeout(timer);
      await new Promise((r) => (log ? log.end(r) : r()));
      return result;
    },
  };
}

/**
 * Starts bench/lib/ingest-sink.mjs on a free port: an endpoint that accepts everything. Returns
 * `{ url, stats(), stop() }`; stats() → `{ requests, bytes, items }`.
 */
export async function startIngestSink() {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const sink = await startNode({
    script: new URL('./ingest-sink.mjs', import.meta.url).pathname,
    env: { PORT: String(port) },
    readyUrl: `${base}/__stats`,
  });
  return {
    url: base,
    pid: sink.pid,
    async stats() {
      const res = await fetch(`${base}/__stats`);
      return res.json();
    },
    stop: () => sink.stop(),
  };
}
