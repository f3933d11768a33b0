import { nginxVersion, testNginxConfig } from '@portcullis/testing';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { interpolate, portMappings } from './support/compose-file';
import { type Directive, GATEWAY_LB_CONF_PATH, NGINX_CONF_PATH, parseNginxConf } from './support/nginx-conf';
import { DOCKER_DIR, REPO_ROOT } from './support/paths';
import { type Topology, appService, effectiveValue, loadTopology } from './support/topology';

/**
 * `docker compose up --scale mcp-gateway=N`: the gateway replicas behind their own round-robin
 * load balancer (gateway-lb, the shape of mcp-lb), every replica signing identity JWTs with the
 * one key of a compose secret, so an upstream verifies any of them with one key set.
 */
describe('mcp-gateway load balancer and shared identity key', () => {
  const conf = parseNginxConf(readFileSync(GATEWAY_LB_CONF_PATH, 'utf8'));
  const find = (name: string, where?: (d: Directive) => boolean) => conf.filter((d) => d.name === name && (!where || where(d)));
  let topology: Topology;
  beforeAll(async () => {
    topology = await loadTopology();
  });

  const lbService = () => {
    const mountPath = `./${relative(DOCKER_DIR, GATEWAY_LB_CONF_PATH)}:`;
    const entries = Object.entries(topology.compose.services).filter(([, s]) => s.volumes?.some((v) => typeof v === 'string' && v.startsWith(mountPath)));
    expect(entries).toHaveLength(1);
    return entries[0];
  };
  const publicUrl = () => new URL((JSON.parse(readFileSync(join(DOCKER_DIR, 'gateway/gateway.json'), 'utf8')) as { publicUrl: string }).publicUrl);

  it('round-robins over an upstream of the mcp-gateway service on its port, re-resolved so new replicas join', () => {
    const gateway = appService(topology, 'mcp-gateway');
    const upstreams = find('upstream');
    expect(upstreams).toHaveLength(1);
    const upstream = `upstream ${upstreams[0].args[0]}`;
    expect(find('server', (d) => d.context.at(-1) === upstream).map((d) => d.args)).toEqual([[`${gateway.service}:${effectiveValue(gateway, 'PORT')}`, 'resolve']]);
    expect(find('zone', (d) => d.context.at(-1) === upstream)).toHaveLength(1);
    expect(find('resolver').map((d) => d.args[0])).toEqual(['127.0.0.11']);
    expect(conf.filter((d) => d.context.at(-1) === upstream && ['hash', 'ip_hash', 'least_conn', 'random'].includes(d.name))).toEqual([]);
    expect(find('proxy_pass').map((d) => d.args[0])).toEqual([`http://${upstreams[0].args[0]}`]);
  });

  it('proxies exactly as mcp-lb does: streaming, Host kept, only unsent requests retried', () => {
    // Every directive inside `location /` other than the upstream's name is mcp-lb's.
    const location = (directives: Directive[]) =>
      directives.filter((d) => d.context.at(-1) === 'location /' && d.name !== 'proxy_pass').map((d) => [d.name, ...d.args].join(' '));
    expect(location(conf)).toEqual(location(parseNginxConf(readFileSync(NGINX_CONF_PATH, 'utf8'))));
    expect(find('proxy_next_upstream')[0].args).not.toContain('non_idempotent');
  });

  it('is what compose publishes on the port of the gateway file’s publicUrl, in the image mcp-lb runs', () => {
    const [, lb] = lbService();
    const listen = find('listen').map((d) => Number(d.args[0]));
    expect(portMappings(lb).map((m) => m.target)).toEqual(listen);
    expect(portMappings(lb).map((m) => interpolate(m.published, topology.dotenv))).toEqual([publicUrl().port]);
    expect(lb.image).toBe(topology.compose.services['mcp-lb'].image);
    expect(lb.depends_on).toEqual({ 'mcp-gateway': { condition: 'service_healthy' } });
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
    const [secret] = gateway.secrets ?? [];
    const name = typeof secret === 'string' ? secret : secret?.source;
    expect(gateway.environment).toMatchObject({ IDENTITY_KEY_FILE: `/run/secrets/${name}` });
    const file = topology.compose.secrets?.[name ?? '']?.file;
    expect(file).toMatch(/^\.\/secrets\//);
    const ignored = spawnSync('git', ['check-ignore', '-q', join('docker', file ?? '')], { cwd: REPO_ROOT });
    expect(ignored.status).toBe(0);
    // The operator's instructions name that file and how to make it.
    expect(readFileSync(join(DOCKER_DIR, 'README.md'), 'utf8')).toContain(`openssl genpkey -algorithm ed25519 -out docker/${file?.slice(2)}`);
  });

  const version = nginxVersion();
  it(`is a valid nginx configuration (nginx -t, nginx ${version ?? 'missing: apt-get install nginx-light'})`, () => {
    expect(version).toBeDefined();
    const result = testNginxConfig(GATEWAY_LB_CONF_PATH, { upstreams: ['127.0.0.1:3301', '127.0.0.1:3302'], listenPort: 3300 });
    expect(result).toEqual({ ok: true, output: expect.stringContaining('test is successful') });
  });
});
