import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort } from '@portcullis/testing';
import { dependencies, portMappings } from './support/compose-file';
import { accumulated, effective, envOf, execForm, lineage, parseDockerfile } from './support/dockerfile';
import { DOCKER_DIR, REPO_ROOT } from './support/paths';
import { type Topology, appService, effectiveValue, loadTopology, repositoryApps } from './support/topology';
import { defaultOf } from './support/app-config';

/**
 * (c) The images and the ports: each service's Dockerfile target listens, exposes, publishes
 * and health-checks on the port its config schema defaults to, at /health/live.
 */
const HEALTHCHECK_SCRIPT = join(DOCKER_DIR, 'healthcheck.cjs');

describe('Dockerfile targets and compose ports', () => {
  const stages = parseDockerfile();
  let topology: Topology;
  beforeAll(async () => {
    topology = await loadTopology();
  });

  describe.each(repositoryApps())('%s', (app) => {
    const port = () => Number(defaultOf(appService(topology, app).config, 'PORT'));

    it('has a target that exposes, and health-checks, the port its config defaults to', () => {
      expect(stages.find((s) => s.name === app)).toBeDefined();
      expect(accumulated(stages, app, 'EXPOSE').map((i) => Number(i.args))).toEqual([port()]);
      expect(envOf(accumulated(stages, app, 'ENV')).get('PORT')).toBe(String(port()));
      // compose leaves PORT to the image (or repeats it).
      expect(effectiveValue(appService(topology, app), 'PORT')).toBe(String(port()));
    });

    it('runs dist/apps/<app>/main.js with node, as a non-root user, with a HEALTHCHECK', () => {
      expect(execForm(effective(stages, app, 'CMD')[0].args)).toEqual(['node', `dist/apps/${app}/main.js`]);
      const user = effective(stages, app, 'USER').map((i) => i.args);
      expect(user).toHaveLength(1);
      expect(['root', '0', '0:0']).not.toContain(user[0]);
      const healthcheck = effective(stages, app, 'HEALTHCHECK')[0]?.args ?? '';
      const command = execForm(healthcheck.replace(/^(--\S+\s+)*CMD\s+/, ''));
      expect(command).toEqual(['node', 'healthcheck.cjs']);
      // The probe's own deadline is Docker's timeout for it, in milliseconds.
      const timeout = /--timeout=(\d+)s\b/.exec(healthcheck)?.[1];
      expect(timeout).toBeDefined();
      expect(envOf(accumulated(stages, app, 'ENV')).get('HEALTHCHECK_TIMEOUT_MS')).toBe(String(Number(timeout) * 1000));
      // The script is in the image, next to where CMD runs.
      const copies = accumulated(stages, app, 'COPY').map((i) => i.args);
      expect(copies).toContain('docker/healthcheck.cjs ./healthcheck.cjs');
      expect(copies).toContain(`--from=build /app/dist/apps/${app} ./dist/apps/${app}`);
    });

    it('runs on node 20 slim with production dependencies compiled in an earlier stage', () => {
      const chain = lineage(stages, app);
      const base = chain[chain.length - 1];
      expect(base.from).toBe('${NODE_IMAGE}');
      expect(readFileSync(join(DOCKER_DIR, 'Dockerfile'), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
      // No compiler in the runtime: nothing along the lineage installs one.
      expect(chain.flatMap((s) => s.instructions).filter((i) => i.keyword === 'RUN' && /apt-get|g\+\+|make/.test(i.args))).toEqual([]);
      expect(accumulated(stages, app, 'COPY').map((i) => i.args)).toContain('--from=prod-deps /app/node_modules ./node_modules');
      const prodDeps = stages.find((s) => s.name === 'prod-deps');
      expect(prodDeps?.instructions.some((i) => i.keyword === 'RUN' && /npm ci --omit=dev/.test(i.args))).toBe(true);
    });

    // The runtime has only `npm ci --omit=dev`; the bundles keep node_modules external.
    it('needs at run time only production dependencies (the built bundles’ requires)', () => {
      const dist = join(REPO_ROOT, 'dist', 'apps', app);
      expect({ built: existsSync(join(dist, 'main.js')) }).toEqual({ built: true });
      const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      const builtins = new Set(builtinModules);
      const externals = new Set<string>();
      for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
        for (const [, id] of readFileSync(join(dist, file), 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
          if (id.startsWith('.') || id.startsWith('node:') || builtins.has(id)) continue;
          externals.add(id.split('/').slice(0, id.startsWith('@') ? 2 : 1).join('/'));
        }
      }
      expect(externals.size).toBeGreaterThan(0);
      expect([...externals].filter((name) => !(name in pkg.dependencies))).toEqual([]);
    });

    it('is published (if at all) on its own port inside the container', () => {
      const service = topology.compose.services[appService(topology, app).service];
      for (const mapping of portMappings(service)) expect(mapping.target).toBe(port());
      for (const exposed of service.expose ?? []) expect(Number(exposed)).toBe(port());
    });
  });

  it('builds the bundles the runtime targets copy', () => {
    const build = stages.find((s) => s.name === 'build');
    const run = build?.instructions.find((i) => i.keyword === 'RUN')?.args ?? '';
    expect(run).toMatch(/^npx nx run-many -t build --projects=(\S+)/);
    const projects = (/--projects=(\S+)/.exec(run) as RegExpExecArray)[1].split(',').sort();
    // The services, and the browser apps (type:web) whose static files a service serves.
    expect(projects).toEqual([...repositoryApps(), ...repositoryApps('type:web')].sort());
  });

  it('puts the built console in the auth-server image, where CONSOLE_DIR looks by default', () => {
    expect(accumulated(stages, 'auth-server', 'COPY').map((i) => i.args)).toContain('--from=build /app/dist/apps/console ./dist/apps/console');
  });

  it('keeps in the build context everything the Dockerfile copies from it', () => {
    const ignore = readFileSync(join(DOCKER_DIR, 'Dockerfile.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore[0]).toBe('*');
    const included = ignore.filter((l) => l.startsWith('!')).map((l) => l.slice(1).replace(/\/$/, ''));
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const source of sources) expect({ source, included: included.includes(source) }).toEqual({ source, included: true });
  });

  it('starts every service only after what it depends on is healthy', () => {
    const targetsWithHealthcheck = new Set(repositoryApps().filter((app) => effective(stages, app, 'HEALTHCHECK').length > 0));
    for (const [name, service] of Object.entries(topology.compose.services)) {
      for (const [dependency, condition] of dependencies(service)) {
        expect({ name, dependency, condition }).toEqual({ name, dependency, condition: 'service_healthy' });
        const dep = topology.compose.services[dependency];
        expect(dep).toBeDefined();
        const checked = Boolean(dep.healthcheck?.test) || targetsWithHealthcheck.has(appService(topology, dependency).app);
        expect({ dependency, checked }).toEqual({ dependency, checked: true });
      }
    }
  });

  it('keeps PostgreSQL and RabbitMQ data in named volumes', () => {
    const volumes = Object.keys(topology.compose.volumes ?? {});
    const mounted = (service: string, path: string) =>
      topology.compose.services[service].volumes?.some((v) => typeof v === 'string' && volumes.includes(v.split(':')[0]) && v.split(':')[1] === path);
    expect(mounted('postgres', '/var/lib/postgresql/data')).toBe(true);
    expect(mounted('rabbitmq', '/var/lib/rabbitmq')).toBe(true);
  });
});

describe('healthcheck.cjs', () => {
  async function probe(port: number, timeoutMs?: number): Promise<number> {
    const env = { ...process.env, PORT: String(port), ...(timeoutMs ? { HEALTHCHECK_TIMEOUT_MS: String(timeoutMs) } : {}) };
    const child = spawn(process.execPath, [HEALTHCHECK_SCRIPT], { env, stdio: 'ignore' });
    return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  }

  async function serve(status: number): Promise<{ port: number; paths: string[]; close: () => Promise<void> }> {
    const paths: string[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      paths.push(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { port: (server.address() as AddressInfo).port, paths, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  it('is healthy when GET /health/live answers 200', async () => {
    const server = await serve(200);
    try {
      expect(await probe(server.port)).toBe(0);
      expect(server.paths).toEqual(['/health/live']);
    } finally {
      await server.close();
    }
  });

  it('is unhealthy when /health/live answers 503', async () => {
    const server = await serve(503);
    try {
      expect(await probe(server.port)).toBe(1);
    } finally {
      await server.close();
    }
  });

  // A service that accepts the connection and never answers: the probe gives up within its
  // HEALTHCHECK_TIMEOUT_MS (here well inside Jest's own timeout) and reports unhealthy.
  it('is unhealthy, not hung, when /health/live never answers', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(await probe((server.address() as AddressInfo).port, 1500)).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  // A live service slowed past the 5 s default (a loaded machine) still counts as healthy when
  // the health check allows it more: the probe's deadline is HEALTHCHECK_TIMEOUT_MS, not fixed.
  it('waits as long as HEALTHCHECK_TIMEOUT_MS allows', async () => {
    const server = createServer((_req, res) => {
      setTimeout(() => res.writeHead(200).end('{}'), 6000);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(await probe((server.address() as AddressInfo).port, 20_000)).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 30_000);

  it('is unhealthy when nothing listens', async () => {
    expect(await probe(await freePort())).toBe(1);
  });
});

/**
 * The Dockerfile builds on any engine with nothing but the base image from a registry: no
 * `# syntax=` directive (BuildKit would pull that frontend image from Docker Hub), no
 * BuildKit-only instruction flags (the classic builder and older engines refuse them), and the
 * runtime carries no build leftovers.
 */
describe('Dockerfile portability and leftovers', () => {
  const text = readFileSync(join(DOCKER_DIR, 'Dockerfile'), 'utf8');
  const stages = parseDockerfile();
  const runs = stages.flatMap((s) => s.instructions).filter((i) => i.keyword === 'RUN');

  it('has no parser directive and no BuildKit-only flag or heredoc', () => {
    expect(text).not.toMatch(/^#\s*(syntax|check)\s*=/im);
    const flagged = stages.flatMap((s) => s.instructions).filter((i) => /^--(mount|network|security)=/.test(i.args) || (i.keyword === 'COPY' && /--(link|parents|exclude)\b/.test(i.args)) || /<<-?\s*\w/.test(i.args));
    expect(flagged).toEqual([]);
  });

  // Runs the prod-deps stage's clean-up, as written, on a copy of this machine's compiled
  // better-sqlite3: what is left must still open a database, and weigh a fraction of before.
  it('strips better-sqlite3 to its one native binary, which still works', () => {
    const prodDeps = runs.find((i) => /npm ci --omit=dev/.test(i.args))?.args ?? '';
    const steps = prodDeps.split('&&').map((s) => s.trim());
    const cleanUp = steps.slice(steps.findIndex((s) => s === 'cd node_modules/better-sqlite3')).join(' && ');
    expect(cleanUp).toMatch(/^cd node_modules\/better-sqlite3 && /);
    const dir = mkdtempSync(join(tmpdir(), 'prod-deps-'));
    try {
      for (const pkg of ['better-sqlite3', 'bindings', 'file-uri-to-path']) cpSync(join(REPO_ROOT, 'node_modules', pkg), join(dir, 'node_modules', pkg), { recursive: true });
      const size = () => Number(execFileSync('du', ['-sk', join(dir, 'node_modules', 'better-sqlite3')], { encoding: 'utf8' }).split('\t')[0]);
      const before = size();
      execFileSync('sh', ['-ec', cleanUp], { cwd: dir });
      const after = size();
      const left = execFileSync('find', ['build', '-type', 'f'], { cwd: join(dir, 'node_modules', 'better-sqlite3'), encoding: 'utf8' }).trim().split('\n');
      expect(left).toEqual(['build/Release/better_sqlite3.node']);
      expect(after).toBeLessThan(before / 2);
      const script = "const Database = require('better-sqlite3'); console.log(new Database(':memory:').prepare('select 41 + 1 as x').get().x)";
      expect(execFileSync(process.execPath, ['-e', script], { cwd: dir, encoding: 'utf8' }).trim()).toBe('42');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves npm and its caches out of the runtime (the services never run it)', () => {
    const runtime = stages.find((s) => s.name === 'runtime');
    const run = runtime?.instructions.find((i) => i.keyword === 'RUN')?.args ?? '';
    for (const path of ['/usr/local/lib/node_modules', '/usr/local/bin/npm', '/usr/local/bin/npx', '/root/.npm']) expect(run).toContain(path);
    expect(runs.filter((i) => /npm ci/.test(i.args)).every((i) => /npm cache clean --force/.test(i.args))).toBe(true);
  });
});
