import { checkHaproxyConfig, haproxyVersion } from '@portcullis/testing';
import { readFileSync } from 'node:fs';
import { defaultOf } from './support/app-config';
import { ENV_EXAMPLE_PATH, interpolate, loadEnvExample, portMappings } from './support/compose-file';
import { type Balancer, COMMON_CFG_PATH, balancerConfig, effectiveLines, linesOf, milliseconds } from './support/haproxy-config';
import { type Topology, appService, effectiveValue, loadTopology } from './support/topology';

/**
 * (d) The load balancer: HAProxy 2.6 (the official haproxy:2.6 image, or Debian bookworm's
 * package) round-robins over every replica of the mcp-server service (so `docker compose up
 * --scale mcp-server=3` works), on the port the MCP server listens on, and it is where the
 * public MCP URL points. What both balancers share (docker/haproxy/common.cfg) is checked here;
 * gateway-load-balancer.spec.ts checks that gateway-lb runs the same.
 */
describe('mcp-server load balancer', () => {
  let topology: Topology;
  let lb: Balancer;
  /** The backend's and the frontend's lines with their defaults sections'. */
  let backend: string[][];
  let frontend: string[][];
  const lookup = (lines: string[][], ...prefix: string[]) => lines.filter((l) => prefix.every((p, i) => l[i] === p));
  const defaultServer = () => {
    const [line, ...more] = lookup(backend, 'default-server');
    expect(more).toEqual([]);
    return line.slice(1);
  };
  const param = (params: string[], name: string) => params[params.indexOf(name) + 1];

  beforeAll(async () => {
    topology = await loadTopology();
    const service = topology.compose.services['mcp-lb'];
    lb = balancerConfig(service.command, service.volumes);
    backend = effectiveLines(lb.sections, lb.backend);
    frontend = effectiveLines(lb.sections, lb.frontend);
  });

  it('loads the shared common.cfg first, then its own frontend and backend', () => {
    expect(lb.files).toEqual([COMMON_CFG_PATH, expect.stringMatching(/\/docker\/haproxy\/mcp-lb\.cfg$/)]);
    expect(lb.frontend.lines.filter((l) => l[0] === 'default_backend')).toEqual([['default_backend', lb.backend.name]]);
  });

  it('balances round robin over a server-template of the mcp-server service on its port, resolved by Docker’s DNS', () => {
    const mcp = appService(topology, 'mcp-server');
    const templates = linesOf(lb.backend, 'server-template');
    expect(templates).toHaveLength(1);
    const [, , range, address] = templates[0];
    expect(address).toBe(`${mcp.service}:${effectiveValue(mcp, 'PORT')}`);
    // Slots for several replicas (one per address Docker's DNS returns).
    expect(Number(/^1-(\d+)$/.exec(range)?.[1])).toBeGreaterThanOrEqual(8);
    expect(lookup(backend, 'server')).toEqual([]);
    expect(lookup(backend, 'balance')).toEqual([['balance', 'roundrobin']]);
    const server = defaultServer();
    expect(lb.sections.find((s) => s.kind === 'resolvers' && s.name === param(server, 'resolvers'))?.lines).toContainEqual(['nameserver', 'dns', '127.0.0.11:53']);
    // Starts with no address (before any replica exists) and waits for the DNS answer.
    expect(param(server, 'init-addr')).toBe('none');
  });

  it('finds replicas added and removed within a couple of seconds', () => {
    const resolvers = lb.sections.find((s) => s.kind === 'resolvers' && s.name === param(defaultServer(), 'resolvers'));
    const setting = (...prefix: string[]) => milliseconds(linesOf(resolvers!, ...prefix)[0]?.[prefix.length]);
    expect(setting('timeout', 'resolve')).toBeLessThanOrEqual(2_000);
    expect(setting('hold', 'obsolete')).toBeLessThanOrEqual(2_000);
  });

  it('runs HAProxy 2.6 by default, replaceable through LB_IMAGE (docker/.env.example lists it)', () => {
    for (const name of ['mcp-lb', 'gateway-lb']) {
      expect({ name, image: topology.compose.services[name].image }).toEqual({ name, image: expect.stringMatching(/^\$\{LB_IMAGE:-haproxy:2\.6(\.\d+)?(-alpine)?\}$/) });
    }
    expect(loadEnvExample().has('LB_IMAGE')).toBe(true);
    expect(readFileSync(ENV_EXAMPLE_PATH, 'utf8')).not.toMatch(/NGINX/);
  });

  it('keeps the client’s Host for the DNS-rebinding guard and reports the client and scheme', () => {
    // Nothing rewrites Host (nor the path the guard and the routes see).
    expect(frontend.concat(backend).filter((l) => /^(http-request|http-response)$/.test(l[0]) && (/^(set-uri|set-path|set-pathq|replace-uri|replace-path|set-var)$/.test(l[1]) || /^host$/i.test(l[2] ?? '')))).toEqual([]);
    expect(lookup(backend, 'option', 'forwardfor')).toEqual([['option', 'forwardfor']]);
    // An X-Forwarded-Proto from a TLS proxy in front is kept; only a missing one is set.
    expect(lookup(frontend, 'http-request', 'set-header', 'X-Forwarded-Proto')).toEqual([['http-request', 'set-header', 'X-Forwarded-Proto', 'http', 'if', '!{', 'req.hdr(x-forwarded-proto)', '-m', 'found', '}']]);
  });

  it('streams answers (Server-Sent Events): no compression, no request buffering, GET streams kept an hour', () => {
    const all = lb.sections.flatMap((s) => s.lines);
    expect(all.filter((l) => l[0] === 'compression' || l.includes('http-buffer-request') || l[0] === 'filter')).toEqual([]);
    expect(lookup(backend, 'option', 'http-no-delay')).toHaveLength(1);
    for (const timeout of ['client', 'server', 'tunnel']) {
      expect({ timeout, ms: milliseconds(lookup(backend, 'timeout', timeout)[0]?.[2]) }).toEqual({ timeout, ms: 3_600_000 });
    }
    // But a client gets seconds, not an hour, to send its request head.
    expect(milliseconds(lookup(backend, 'timeout', 'http-request')[0]?.[2])).toBeLessThanOrEqual(30_000);
  });

  it('refuses a declared body above 4 MB (413), the gateway’s MAX_BODY_BYTES default', () => {
    const limit = defaultOf(appService(topology, 'mcp-gateway').config, 'MAX_BODY_BYTES');
    expect(limit).toBe(4 * 1024 * 1024);
    expect(lookup(frontend, 'http-request', 'deny')).toEqual([['http-request', 'deny', 'deny_status', '413', 'if', '{', 'req.hdr_val(content-length)', 'gt', String(limit), '}']]);
  });

  it('logs each request on the container’s output with the replica that served it', () => {
    const global = lb.sections.find((s) => s.kind === 'global');
    expect(linesOf(global!, 'log')[0]?.slice(0, 2)).toEqual(['log', 'stdout']);
    expect(lookup(backend, 'log', 'global')).toHaveLength(1);
    // docker/test/compose-smoke.sh counts each replica's `upstream=<ip>:<port> `.
    expect(lookup(backend, 'log-format')[0]?.[1]).toContain('upstream=%si:%sp ');
  });

  it('listens on the port compose publishes, and that is the port of the public MCP URL', () => {
    const service = topology.compose.services['mcp-lb'];
    const binds = linesOf(lb.frontend, 'bind').map((l) => Number(/^:(\d+)$/.exec(l[1])?.[1]));
    expect(binds).toHaveLength(1);
    const mappings = portMappings(service);
    expect(mappings.map((m) => m.target)).toEqual(binds);
    const resource = new URL(effectiveValue(appService(topology, 'mcp-server'), 'RESOURCE_URL') as string);
    expect(interpolate(mappings[0].published, topology.dotenv)).toBe(resource.port);
    expect(service.depends_on).toEqual({ 'mcp-server': { condition: 'service_healthy' } });
  });

  it('runs with a read-only file system and no capabilities (ports above 1024, nothing written)', () => {
    for (const name of ['mcp-lb', 'gateway-lb']) {
      const service = topology.compose.services[name];
      expect({ name, read_only: service.read_only, cap_drop: service.cap_drop }).toEqual({ name, read_only: true, cap_drop: ['ALL'] });
    }
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

  // A rolling restart costs no client a request (the replica's side: libs/http graceful-drain.ts).
  describe('when a replica stops', () => {
    it('takes a draining replica out on its readiness before it stops accepting connections', () => {
      expect(lookup(backend, 'option', 'httpchk')).toHaveLength(1);
      expect(lookup(backend, 'http-check', 'send')).toEqual([['http-check', 'send', 'meth', 'GET', 'uri', '/health/ready']]);
      expect(lookup(backend, 'http-check', 'expect')).toEqual([['http-check', 'expect', 'status', '200']]);
      const server = defaultServer();
      expect(server).toContain('check');
      // One failed check at most `inter` after readiness turned 503 takes it out: within the
      // replicas' SHUTDOWN_DELAY_MS, while they still serve.
      const delay = Number(effectiveValue(appService(topology, 'mcp-server'), 'SHUTDOWN_DELAY_MS'));
      expect(milliseconds(param(server, 'inter')) * Number(param(server, 'fall'))).toBeLessThan(delay);
    });

    it('retries on another replica only what was never sent (never a POST that reached one)', () => {
      expect(lookup(backend, 'retry-on')).toEqual([['retry-on', 'conn-failure']]);
      expect(lookup(backend, 'option', 'redispatch')).toHaveLength(1);
      expect(Number(lookup(backend, 'retries')[0]?.[1])).toBeGreaterThanOrEqual(2);
    });

    it('gives up connecting to a gone replica in seconds, not a minute', () => {
      expect(milliseconds(lookup(backend, 'timeout', 'connect')[0]?.[2])).toBeLessThanOrEqual(3_000);
    });

    it('keeps a pool of connections to the replicas and closes idle ones long before a replica would (Fastify: 72 s)', () => {
      expect(lookup(backend, 'http-reuse')).toEqual([['http-reuse', 'safe']]);
      expect(milliseconds(param(defaultServer(), 'pool-purge-delay'))).toBeLessThanOrEqual(5_000);
    });
  });

  const version = haproxyVersion();
  it(`is a valid HAProxy configuration without warnings (haproxy -c, haproxy ${version ?? 'missing: apt-get install haproxy'})`, () => {
    expect(version).toMatch(/^2\.6\./);
    // The server-template is replaced by loopback replicas (no Docker DNS here), the bind port by
    // a loopback one (libs/testing); every other line is checked as written.
    const result = checkHaproxyConfig(lb.files, { upstreams: ['127.0.0.1:3001', '127.0.0.1:3002'], listenPort: 3000 });
    expect(result).toEqual({ ok: true, output: expect.stringContaining('Configuration file is valid') });
    expect(result.output).not.toMatch(/\[(WARNING|ALERT|NOTICE)\]/);
  });
});
