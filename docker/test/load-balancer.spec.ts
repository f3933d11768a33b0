import { nginxVersion, testNginxConfig } from '@portcullis/testing';
import { portMappings } from './support/compose-file';
import { defaultOf } from './support/app-config';
import { type Directive, NGINX_CONF_PATH, parseNginxConf } from './support/nginx-conf';
import { DOCKER_DIR } from './support/paths';
import { type Topology, appService, effectiveValue, loadTopology } from './support/topology';
import { interpolate } from './support/compose-file';
import { relative } from 'node:path';

/**
 * (d) The load balancer: it round-robins over every replica of the mcp-server service (so
 * `docker compose up --scale mcp-server=3` works), on the port the MCP server listens on, and
 * it is where the public MCP URL points.
 */
describe('mcp-server load balancer', () => {
  const conf = parseNginxConf();
  const find = (name: string, where?: (d: Directive) => boolean) => conf.filter((d) => d.name === name && (!where || where(d)));
  let topology: Topology;
  beforeAll(async () => {
    topology = await loadTopology();
  });

  const lbService = () => {
    const mountPath = `./${relative(DOCKER_DIR, NGINX_CONF_PATH)}`;
    const entries = Object.entries(topology.compose.services).filter(([, s]) => s.volumes?.some((v) => typeof v === 'string' && v.startsWith(`${mountPath}:`)));
    expect(entries).toHaveLength(1);
    return entries[0];
  };

  it('proxies to an upstream of the mcp-server service on its port, re-resolved so new replicas join', () => {
    const mcp = appService(topology, 'mcp-server');
    const upstreams = find('upstream');
    expect(upstreams).toHaveLength(1);
    const upstream = `upstream ${upstreams[0].args[0]}`;
    const servers = find('server', (d) => d.context.at(-1) === upstream);
    expect(servers.map((d) => d.args)).toEqual([[`${mcp.service}:${effectiveValue(mcp, 'PORT')}`, 'resolve']]);
    // `resolve` needs a shared-memory zone and a resolver: Docker's embedded DNS.
    expect(find('zone', (d) => d.context.at(-1) === upstream)).toHaveLength(1);
    expect(find('resolver').map((d) => d.args[0])).toEqual(['127.0.0.11']);
    // Round robin is nginx's default: no other balancing method may be configured.
    expect(conf.filter((d) => d.context.at(-1) === upstream && ['hash', 'ip_hash', 'least_conn', 'random'].includes(d.name))).toEqual([]);
    expect(find('proxy_pass').map((d) => d.args[0])).toEqual([`http://${upstreams[0].args[0]}`]);
  });

  it('runs an nginx that has the upstream `resolve` parameter (open source since 1.27.3)', () => {
    const [, lb] = lbService();
    // The image may be replaced (NGINX_IMAGE); its default is what must be recent enough.
    const m = /^(?:\$\{NGINX_IMAGE:-)?nginx:(\d+)\.(\d+)(?:\.(\d+))?(?:-[a-z0-9.-]+)?\}?$/.exec(lb.image ?? '');
    expect(m).not.toBeNull();
    const [major, minor, patch] = [Number(m?.[1]), Number(m?.[2]), m?.[3] === undefined ? Infinity : Number(m[3])];
    // A tag without a patch number follows the newest patch of its branch.
    expect(major > 1 || minor > 27 || (minor === 27 && patch >= 3)).toBe(true);
  });

  it('streams responses (Server-Sent Events) and keeps the client’s Host for the DNS-rebinding guard', () => {
    expect(find('proxy_buffering').map((d) => d.args)).toEqual([['off']]);
    expect(find('proxy_http_version').map((d) => d.args)).toEqual([['1.1']]);
    expect(find('proxy_set_header', (d) => d.args[0] === 'Host').map((d) => d.args[1])).toEqual(['$http_host']);
  });

  it('listens on the port compose publishes, and that is the port of the public MCP URL', () => {
    const [name, lb] = lbService();
    const listen = find('listen').map((d) => Number(d.args[0]));
    expect(listen).toHaveLength(1);
    const mappings = portMappings(lb);
    expect(mappings.map((m) => m.target)).toEqual(listen);
    const resource = new URL(effectiveValue(appService(topology, 'mcp-server'), 'RESOURCE_URL') as string);
    expect({ name, published: interpolate(mappings[0].published, topology.dotenv) }).toEqual({ name, published: resource.port });
    expect(lb.depends_on).toEqual({ 'mcp-server': { condition: 'service_healthy' } });
  });

  it('leaves mcp-server scalable: no container name, no host port, no fixed replica count', () => {
    const mcp = topology.compose.services[appService(topology, 'mcp-server').service];
    expect(mcp.container_name).toBeUndefined();
    expect(mcp.ports).toBeUndefined();
    expect(mcp.deploy?.replicas).toBeUndefined();
  });

  it('publishes the auth-server and the audit service on the ports of their public URLs', () => {
    for (const [app, urlVariable] of [
      ['auth-server', 'ISSUER_URL'],
      ['audit-service', 'RESOURCE_URL'],
    ] as const) {
      const svc = appService(topology, app);
      const url = new URL(effectiveValue(svc, urlVariable) ?? (defaultOf(svc.config, 'AUDIT_RESOURCE_URL') as string));
      const published = portMappings(topology.compose.services[svc.service]).map((m) => interpolate(m.published, topology.dotenv));
      expect({ app, published }).toEqual({ app, published: [url.port] });
    }
  });

  // A rolling restart costs no client a request (the replica's side: apps/mcp-server's drain).
  describe('when a replica stops', () => {
    const location = (name: string) => find(name, (d) => d.context.at(-1) === 'location /');

    it('retries on another replica only what was never sent (never a POST that reached one)', () => {
      const [directive] = location('proxy_next_upstream');
      expect(directive.args).toEqual(expect.arrayContaining(['error', 'timeout']));
      expect(directive.args).not.toContain('non_idempotent');
      // A draining replica answers what reaches it; a 502/503 retry would only ever help GETs.
      expect(directive.args.filter((a) => a.startsWith('http_'))).toEqual([]);
    });

    it('gives up connecting to a gone replica in seconds, not the default minute', () => {
      const seconds = (value: string) => Number(/^(\d+)s?$/.exec(value)?.[1] ?? NaN);
      expect(location('proxy_connect_timeout').map((d) => seconds(d.args[0]))).toEqual([expect.any(Number)]);
      expect(seconds(location('proxy_connect_timeout')[0].args[0])).toBeLessThanOrEqual(3);
      expect(seconds(location('proxy_next_upstream_timeout')[0].args[0])).toBeLessThanOrEqual(15);
    });

    it('forgets a removed replica’s address within a couple of seconds', () => {
      const [resolver] = find('resolver');
      const valid = resolver.args.find((a) => a.startsWith('valid='));
      expect(Number(/^valid=(\d+)s$/.exec(valid ?? '')?.[1])).toBeLessThanOrEqual(2);
    });

    it('closes idle upstream connections before a replica would (Fastify keeps them 72 s)', () => {
      const upstream = `upstream ${find('upstream')[0].args[0]}`;
      const [timeout] = find('keepalive_timeout', (d) => d.context.at(-1) === upstream);
      expect(Number(/^(\d+)s$/.exec(timeout?.args[0] ?? '')?.[1])).toBeLessThan(72);
    });
  });

  const version = nginxVersion();
  it(`is a valid nginx configuration (nginx -t, nginx ${version ?? 'missing: apt-get install nginx-light'})`, () => {
    expect(version).toBeDefined();
    // Debian's nginx predates the upstream `resolve` parameter: the one resolved server line is
    // replaced by loopback upstreams (libs/testing); every other directive is checked as written.
    const result = testNginxConfig(NGINX_CONF_PATH, { upstreams: ['127.0.0.1:3001', '127.0.0.1:3002'], listenPort: 3000 });
    expect(result).toEqual({ ok: true, output: expect.stringContaining('test is successful') });
  });
});

