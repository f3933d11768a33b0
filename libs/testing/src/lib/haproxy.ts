import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/**
 * The repository's load-balancer configuration (docker/haproxy: common.cfg, then one balancer's
 * file, as compose loads them) run by the machine's own haproxy, for tests. Two things only a
 * Docker network has are replaced: the `server-template` over a service name (resolved by
 * Docker's DNS at 127.0.0.11, not here) becomes one `server` line per given loopback replica,
 * and the `bind` port becomes the given loopback port. Every other line — health checks,
 * retries, timeouts, connection reuse, headers, logging — is the files' own.
 */
export interface LoadBalancerConfig {
  /** `host:port` of each replica. */
  upstreams: string[];
  listenPort: number;
}

/** The version of `haproxy` on the PATH (Debian: `apt-get install haproxy`; .ci/run installs it). */
export function haproxyVersion(): string | undefined {
  const result = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return /HAProxy version (\S+)/.exec(result.stdout)?.[1];
}

const SERVER_TEMPLATE = /^(\s*)server-template\s+(\S+)\s+\S+\s+\S+:\d+(.*)$/gm;
const BIND = /^(\s*)bind\s+:\d+(.*)$/gm;

/** The files' text with the Docker-only lines replaced; exactly one of each across the files. */
export function loadBalancerFiles(paths: string[], { upstreams, listenPort }: LoadBalancerConfig): { name: string; text: string }[] {
  let templates = 0;
  let binds = 0;
  const files = paths.map((path) => {
    const text = readFileSync(path, 'utf8')
      .replace(SERVER_TEMPLATE, (_line, indent: string, prefix: string, params: string) => {
        templates++;
        return upstreams.map((address, i) => `${indent}server ${prefix}${i + 1} ${address}${params}`).join('\n');
      })
      .replace(BIND, (_line, indent: string, params: string) => {
        binds++;
        return `${indent}bind 127.0.0.1:${listenPort}${params}`;
      });
    return { name: basename(path), text };
  });
  if (templates !== 1 || binds !== 1) {
    throw new Error(`${paths.join(', ')}: expected one "server-template <prefix> <range> <service>:<port>" and one "bind :<port>"`);
  }
  return files;
}

/** The derived files in a fresh directory, as `-f` arguments in the given order. */
function writeFiles(paths: string[], config: LoadBalancerConfig): { dir: string; args: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-haproxy-'));
  const args = loadBalancerFiles(paths, config).flatMap(({ name, text }) => {
    writeFileSync(join(dir, name), text);
    return ['-f', join(dir, name)];
  });
  return { dir, args };
}

/** `haproxy -c` on the derived configuration: exit status and everything haproxy said (warnings included). */
export function checkHaproxyConfig(paths: string[], config: LoadBalancerConfig): { ok: boolean; output: string } {
  const { dir, args } = writeFiles(paths, config);
  try {
    const result = spawnSync('haproxy', ['-c', ...args], { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunningHaproxy {
  url: string;
  process: ChildProcess;
  /** What haproxy wrote: one log line per request (common.cfg's log-format), alerts and warnings. */
  output(): string;
  stop(): Promise<void>;
}

/** Runs haproxy in the foreground with the derived configuration until stop(). */
export async function startHaproxy(paths: string[], config: LoadBalancerConfig, timeoutMs = 10_000): Promise<RunningHaproxy> {
  const { dir, args } = writeFiles(paths, config);
  // The request log (`log stdout`) goes to a file, not a pipe: on a pipe haproxy writes without
  // blocking and drops a line the reader has not made room for (configuration manual, `log`
  // target `fd@<n>`), which a busy test process does not always make; on a file it never drops.
  const logPath = join(dir, 'stdout.log');
  const logFd = openSync(logPath, 'w');
  let errors = '';
  let kept: string | undefined;
  const child = spawn('haproxy', ['-db', ...args], { stdio: ['ignore', logFd, 'pipe'] });
  closeSync(logFd);
  child.stderr?.on('data', (d) => (errors += d));
  const output = () => kept ?? `${readFileSync(logPath, 'utf8')}${errors}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(config.listenPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const said = output();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`haproxy did not start: ${said}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${config.listenPort}`,
    process: child,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      kept = output();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
