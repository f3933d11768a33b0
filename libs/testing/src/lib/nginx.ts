import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The repository's load-balancer config (docker/nginx/mcp-lb.conf, an http-level snippet as
 * compose mounts it) run by the machine's own nginx, for tests. Two things only a Docker network
 * has are replaced: the `resolve`d service name becomes the given loopback upstreams (Docker's
 * DNS at 127.0.0.11 is not here, and Debian's nginx predates `resolve`), and the listen port
 * becomes a free loopback port. Every other directive — retries, timeouts, keepalive, headers —
 * is the file's own.
 */
export interface LoadBalancerConfig {
  /** `host:port` of each upstream replica. */
  upstreams: string[];
  listenPort: number;
}

/** Whether `nginx` is on the PATH (Debian: `apt-get install nginx-light`; .ci/run installs it). */
export function nginxVersion(): string | undefined {
  const result = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return /nginx\/(\S+)/.exec(result.stderr)?.[1];
}

export function loadBalancerSnippet(snippetPath: string, { upstreams, listenPort }: LoadBalancerConfig): string {
  const text = readFileSync(snippetPath, 'utf8');
  const servers = upstreams.map((u) => `server ${u};`).join('\n    ');
  const derived = text
    .replace(/^\s*resolver\s[^;]*;/m, '')
    .replace(/^(\s*)server\s+\S+\s+resolve;/m, (_m, indent: string) => `${indent}${servers}`)
    .replace(/^(\s*)listen\s+\d+;/m, (_m, indent: string) => `${indent}listen 127.0.0.1:${listenPort};`);
  if (derived.includes(' resolve;') || !derived.includes(`listen 127.0.0.1:${listenPort};`)) {
    throw new Error(`${snippetPath}: expected one "server <name>:<port> resolve;" and one "listen <port>;"`);
  }
  return derived;
}

/** A complete nginx.conf around the snippet, with every path inside `dir`. */
function mainConfig(dir: string): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/mcp-lb.conf;
}
`;
}

function writeConfig(snippetPath: string, config: LoadBalancerConfig): string {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-nginx-'));
  // Workers run as an unprivileged user when the master is root: they must reach the temp paths.
  mkdirSync(join(dir, 'body'), { mode: 0o777 });
  execFileSync('chmod', ['0755', dir]);
  writeFileSync(join(dir, 'mcp-lb.conf'), loadBalancerSnippet(snippetPath, config));
  writeFileSync(join(dir, 'nginx.conf'), mainConfig(dir));
  return dir;
}

/** `nginx -t` on the derived config: exit status and what nginx said. */
export function testNginxConfig(snippetPath: string, config: LoadBalancerConfig): { ok: boolean; output: string } {
  const dir = writeConfig(snippetPath, config);
  try {
    const result = spawnSync('nginx', ['-t', '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunningNginx {
  url: string;
  process: ChildProcess;
  /** nginx's error log (upstream failures and retries are logged there). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** Runs nginx in the foreground with the derived config until stop(). */
export async function startNginx(snippetPath: string, config: LoadBalancerConfig, timeoutMs = 10_000): Promise<RunningNginx> {
  const dir = writeConfig(snippetPath, config);
  let output = '';
  const child = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(config.listenPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const errorLog = () => {
    try {
      return readFileSync(join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  return {
    url: `http://127.0.0.1:${config.listenPort}`,
    process: child,
    errorLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
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
