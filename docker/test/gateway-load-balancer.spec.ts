import { checkHaproxyConfig, haproxyVersion } from '@portcullis/testing';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { interpolate, portMappings } from './support/compose-file';
import { type Balancer, COMMON_CFG_PATH, balancerConfig, linesOf } from './support/haproxy-config';
import { DOCKER_DIR, REPO_ROOT } from './support/paths';
import { type Topology, appService, effectiveValue, loadTopology } from './support/topology';

/**
 * `docker compose up --scale mcp-gateway=N`: the gateway replicas behind their own round-robin
 * load balancer (gateway-lb, the same HAProxy setup as mcp-lb: common.cfg), every replica
 * signing identity JWTs with the one key of a compose secret, so an upstream verifies any of
 * them with one key set.
 */
describe('mcp-gateway load balancer and shared identity key', () => {
  let topology: Topology;
  let lb: Balancer;
  let mcpLb: Balancer;
  beforeAll(async () => {
    topology = await loadTopology();
    const service = topology.compose.services['gateway-lb'];
    lb = balancerConfig(service.command, service.volumes);
    mcpLb = balancerConfig(topology.compose.services['mcp-lb'].command, topology.compose.services['mcp-lb'].volumes);
  });
  const publicUrl = () => new URL((JSON.parse(readFileSync(join(DOCKER_DIR, 'gateway/gateway.json'), 'utf8')) as { publicUrl: string }).publicUrl);

  it('round-robins over a server-template of the mcp-gateway service on its port', () => {
    const gateway = appService(topology, 'mcp-gateway');
    const templates = linesOf(lb.backend, 'server-template');
    expect(templates.map((l) => l[3])).toEqual([`${gateway.service}:${effectiveValue(gateway, 'PORT')}`]);
    expect(lb.frontend.lines.filter((l) => l[0] === 'default_backend')).toEqual([['default_backend', lb.backend.name]]);
  });

  it('proxies exactly as mcp-lb does: the same common.cfg and defaults, nothing of its own but the bind and the service', () => {
    expect(lb.files[0]).toBe(COMMON_CFG_PATH);
    expect(lb.files).toEqual([mcpLb.files[0], expect.stringMatching(/\/docker\/haproxy\/gateway-lb\.cfg$/)]);
    expect([lb.frontend.from, lb.backend.from]).toEqual([mcpLb.frontend.from, mcpLb.backend.from]);
    const shape = (b: Balancer) => ({
      frontend: b.frontend.lines.map((l) => l[0]),
      backend: b.backend.lines.map((l) => [l[0], l[1], l[2]].join(' ')),
    });
    expect(shape(lb)).toEqual(shape(mcpLb));
    expect(lb.frontend.lines.map((l) => l[0]).sort()).toEqual(['bind', 'default_backend']);
  });

  it('is what compose publishes on the port of the gateway file’s publicUrl, in the image mcp-lb runs', () => {
    const service = topology.compose.services['gateway-lb'];
    const binds = linesOf(lb.frontend, 'bind').map((l) => Number(/^:(\d+)$/.exec(l[1])?.[1]));
    expect(portMappings(service).map((m) => m.target)).toEqual(binds);
    expect(portMappings(service).map((m) => interpolate(m.published, topology.dotenv))).toEqual([publicUrl().port]);
    expect(service.image).toBe(topology.compose.services['mcp-lb'].image);
    expect(service.depends_on).toEqual({ 'mcp-gateway': { condition: 'service_healthy' } });
  });

  it('leaves mcp-gateway scalable: no container name, no host port, no fixed replica count', () => {
    const gateway = topology.compose.services[appService(topology, 'mcp-gateway').service];
    expect(gateway.container_name).toBeUndefined();
    expect(gateway.ports).toBeUndefined();
    expect(gateway.deploy?.replicas).toBeUndefined();
    expect(gateway.expose?.map(String)).toEqual([effectiveValue(appService(topology, 'mcp-gateway'), 'PORT')]);
  });

  it('gives every replica the same identity key, from a git-ignored compose secret', () => {
    const gateway = topology.compose.services[appService(topology, 'mcp-gateway').service];
    const names = (gateway.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source));
    const keyFile = String((gateway.environment as Record<string, unknown> | undefined)?.IDENTITY_KEY_FILE ?? '');
    const name = names.find((n) => keyFile === `/run/secrets/${n}`);
    expect(name).toBeDefined();
    const file = topology.compose.secrets?.[name ?? '']?.file;
    expect(file).toMatch(/^\.\/secrets\//);
    const ignored = spawnSync('git', ['check-ignore', '-q', join('docker', file ?? '')], { cwd: REPO_ROOT });
    expect(ignored.status).toBe(0);
    // The operator's instructions name that file and how to make it.
    expect(readFileSync(join(DOCKER_DIR, 'README.md'), 'utf8')).toContain(`openssl genpkey -algorithm ed25519 -out docker/${file?.slice(2)}`);
  });

  const version = haproxyVersion();
  it(`is a valid HAProxy configuration without warnings (haproxy -c, haproxy ${version ?? 'missing: apt-get install haproxy'})`, () => {
    expect(version).toMatch(/^2\.6\./);
    const result = checkHaproxyConfig(lb.files, { upstreams: ['127.0.0.1:3301', '127.0.0.1:3302'], listenPort: 3300 });
    expect(result).toEqual({ ok: true, output: expect.stringContaining('Configuration file is valid') });
    expect(result.output).not.toMatch(/\[(WARNING|ALERT|NOTICE)\]/);
  });
});
