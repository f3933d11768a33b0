import { createTestDatabase, EventSink, freePort, type RealAuthServer, type RoundRobinProxy, type RunningService, startRealAuthServer, startRoundRobinProxy, startService, type TestDatabase } from '@portcullis/testing';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConformanceRun, runServerConformance } from '../testing/conformance';
import { startEverything, type TestUpstream } from '../testing/upstreams';

/*
 * The MCP project's own conformance suite (@modelcontextprotocol/conformance, its server
 * scenarios, run as its CLI) against the reference server, server-everything: once directly,
 * once through two built gateway replicas (SQLite and PostgreSQL outboxes) behind a round-robin
 * proxy that adds a client_credentials token from the built authorization server — the CLI
 * speaks no OAuth. Whatever passes directly must pass through the gateway: a scenario failing
 * only there is a gateway bug.
 */

/**
 * The policy allows what the scenarios use: the suite's own `test_*` tools and prompts and
 * `test://` resources (the reference server does not have them; what matters is that the
 * gateway passes its answer on unchanged), and the reference server's own tools, resources and
 * prompts that the listing and subscription scenarios read. Everything else stays denied.
 */
function gatewayFile(publicUrl: string, upstream: string) {
  return {
    publicUrl,
    upstreams: [
      {
        name: 'conformance',
        url: upstream,
        scopes: [{ name: 'conformance:use', description: 'Run the MCP conformance suite' }],
        connectScopes: ['conformance:use'],
        tools: [
          { tool: 'test_*', scopes: [] },
          { tool: 'echo', scopes: [] },
          { tool: 'get-*', scopes: [] },
          { tool: 'trigger-*', scopes: [] },
        ],
        resources: [
          { uri: 'test://*', scopes: [] },
          { uri: 'demo://resource/*', scopes: [] },
        ],
        prompts: [
          { prompt: 'test_*', scopes: [] },
          { prompt: '*-prompt', scopes: [] },
        ],
      },
    ],
  };
}

describe('the MCP conformance server scenarios, directly and through the gateway', () => {
  let dir: string;
  let everything: TestUpstream;
  let as: RealAuthServer;
  let sink: EventSink;
  let db: TestDatabase;
  const gateways: RunningService[] = [];
  let proxy: RoundRobinProxy;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gateway-conformance-'));
    const [proxyPort, portA, portB] = await Promise.all([freePort(), freePort(), freePort()]);
    // The proxy is the public face: the gateway file's publicUrl, so its host is allowed and
    // the token's audience is the URL the suite is given.
    const publicUrl = `http://127.0.0.1:${proxyPort}`;
    everything = await startEverything();
    sink = await new EventSink().start();
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify(gatewayFile(publicUrl, everything.url)));
    const keyFile = join(dir, 'identity.pem');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    as = await startRealAuthServer('sqlite', { GATEWAY_CONFIG_FILE: file });
    db = await createTestDatabase('gateway_conformance');
    const common = { GATEWAY_CONFIG_FILE: file, ISSUER_URL: as.issuer, AUDIT_INGEST_URL: sink.url, IDENTITY_KEY_FILE: keyFile };
    gateways.push(await startService('mcp-gateway', portA, { ...common, DATABASE_URL: undefined, SQLITE_PATH: join(dir, 'gateway-a.sqlite') }));
    gateways.push(await startService('mcp-gateway', portB, { ...common, DATABASE_URL: db.url }));
    const resource = `${publicUrl}/conformance/mcp`;
    const service = await as.registerTrusted('conformance:use');
    const { access_token } = await as.clientCredentials(service, resource, 'conformance:use');
    proxy = await startRoundRobinProxy(
      gateways.map((g) => g.url),
      proxyPort,
      { authorization: `Bearer ${access_token}` },
    );
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await Promise.all(gateways.map((g) => g.stop()));
    await Promise.all([as?.stop(), everything?.stop(), sink?.stop()]);
    await db?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  let direct: ConformanceRun;
  let through: ConformanceRun;

  it('passes directly against server-everything the scenarios it supports', async () => {
    direct = await runServerConformance(everything.url);
    // The reference server has no `test_*` tools, so most tool, prompt and resource-read
    // scenarios fail against it directly; these are the ones it passes (a floor, so a
    // conformance or server-everything upgrade that passes more does not break the test).
    expect(direct.passedScenarios).toEqual(
      expect.arrayContaining(['server-initialize', 'ping', 'tools-list', 'resources-list', 'prompts-list', 'resources-subscribe', 'server-sse-multiple-streams']),
    );
  }, 120_000);

  it('passes through the gateway every scenario and check that passes directly', async () => {
    through = await runServerConformance(`${proxy.url}/conformance/mcp`);
    // The failed checks ride along only so that a failure prints why each one failed.
    const failedThrough = through.checks.filter((c) => c.status === 'FAILURE').map((c) => `${c.scenario}/${c.id}: ${c.errorMessage ?? ''}`);
    expect({ scenarios: through.passedScenarios, failedThrough }).toEqual({ scenarios: expect.arrayContaining(direct.passedScenarios), failedThrough: expect.any(Array) });
    expect(through.passedChecks).toEqual(expect.arrayContaining(direct.passedChecks));
    // Both replicas served the suite (any replica serves any request of a session).
    expect(proxy.counts().every((n) => n > 0)).toBe(true);
    expect(proxy.log().filter((r) => r.status === 401 || r.status >= 500)).toEqual([]);
  }, 120_000);

  it('refuses a DNS-rebinding Host through the gateway, which the reference server alone does not', () => {
    const rebinding = (run: ConformanceRun) => run.checks.find((c) => c.scenario === 'dns-rebinding-protection' && c.id === 'localhost-host-rebinding-rejected')?.status;
    expect(rebinding(through)).toBe('SUCCESS');
  });
});
