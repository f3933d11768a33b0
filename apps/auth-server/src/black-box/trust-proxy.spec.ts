import { request } from 'node:http';
import { join } from 'node:path';
import { AuthServer, endpoint, freePort, haproxyVersion, REDIRECT, type RunningHaproxy, startAuthServer, startHaproxy } from '@portcullis/testing';

const LIMIT = 3;

const METADATA = JSON.stringify({
  client_name: 'trust-proxy probe',
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  application_type: 'native',
});

/** One open registration (RFC 7591) from `localAddress` (any 127.x.y.z is this host), with an X-Forwarded-For of the client's choosing. */
function registerFrom(url: string, localAddress: string, forwardedFor: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(METADATA);
  });
}

const HAPROXY_DIR = join(__dirname, '../../../../docker/haproxy');

/**
 * The repository's load balancer (docker/haproxy, mcp-lb's files, run by the machine's haproxy:
 * .ci/run installs it) in front of one server: it appends the address of whoever connected to
 * it to the X-Forwarded-For the client sent (`option forwardfor`), as any one proxy in front
 * of a service does.
 */
async function startLoadBalancer(upstream: string): Promise<RunningHaproxy> {
  const files = [join(HAPROXY_DIR, 'common.cfg'), join(HAPROXY_DIR, 'mcp-lb.cfg')];
  return startHaproxy(files, { upstreams: [new URL(upstream).host], listenPort: await freePort() });
}

/** Registers LIMIT + 1 times from one address, each time claiming another X-Forwarded-For. */
async function rotatingStatuses(url: string, localAddress: string): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i <= LIMIT; i++) statuses.push(await registerFrom(url, localAddress, `203.0.113.${i + 1}`));
  return statuses;
}

/**
 * Issue 9: with TRUST_PROXY=true the client address was the leftmost X-Forwarded-For, which
 * the client writes, so rotating it escaped every per-address limit (registration flood guard,
 * login throttling). TRUST_PROXY now takes a hop count or the proxies' addresses, and refuses
 * `true` at start.
 */
describe('auth-server black box: TRUST_PROXY and X-Forwarded-For', () => {
  describe(`TRUST_PROXY=1, behind one proxy (haproxy ${haproxyVersion() ?? 'missing: apt-get install haproxy'})`, () => {
    let server: AuthServer;
    let proxy: RunningHaproxy;

    beforeAll(async () => {
      server = await startAuthServer('sqlite', { TRUST_PROXY: '1', REGISTRATION_RATE_LIMIT: String(LIMIT) });
      proxy = await startLoadBalancer(server.issuer);
    }, 60_000);
    afterAll(async () => {
      await proxy?.stop();
      await server?.stop();
    });

    const registration = () => `${proxy.url}${new URL(endpoint(server, 'registration_endpoint')).pathname}`;

    it('a client rotating X-Forwarded-For still hits 429 after REGISTRATION_RATE_LIMIT registrations', async () => {
      expect(await rotatingStatuses(registration(), '127.0.0.2')).toEqual([...Array(LIMIT).fill(201), 429]);
    });

    it('another client behind the same proxy is counted apart: the address the proxy saw is believed', async () => {
      expect(await registerFrom(registration(), '127.0.0.3', '203.0.113.1')).toBe(201);
    });
  });

  describe('TRUST_PROXY given as proxy addresses, requests not from them', () => {
    let server: AuthServer;

    beforeAll(async () => {
      server = await startAuthServer('sqlite', { TRUST_PROXY: '10.0.0.0/8,fd00::/8', REGISTRATION_RATE_LIMIT: String(LIMIT) });
    }, 60_000);
    afterAll(async () => server?.stop());

    it('a direct client rotating X-Forwarded-For hits 429: only the listed proxies are believed', async () => {
      expect(await rotatingStatuses(endpoint(server, 'registration_endpoint'), '127.0.0.4')).toEqual([...Array(LIMIT).fill(201), 429]);
    });
  });

  it('TRUST_PROXY=true stops the service at start with one line saying what to give instead', async () => {
    const message = await startAuthServer('sqlite', { TRUST_PROXY: 'true' }).then(
      async (started) => {
        await started.stop();
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(message).toMatch(/exited with 78/);
    const lines = message.split('\n').filter((l) => l.startsWith('config: '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config: TRUST_PROXY: .*number of proxies.*addresses\/CIDRs/);
  }, 30_000);
});
