import { readFileSync } from 'node:fs';
import { ENV_EXAMPLE_PATH, environmentOf, interpolate, loadEnvExample, parseEnvFile, readComposeText, variableReferences } from './support/compose-file';
import { requiredVariables } from './support/app-config';
import { type Topology, appService, canonicalUrl, effectiveValue, loadTopology, repositoryApps, requiredComposeVariables } from './support/topology';

/**
 * (b) The environment compose.yaml gives each service, checked against the service's own
 * configuration schema: nothing it passes is unknown, nothing required is missing, and the
 * values, filled from .env.example as an operator would, are accepted.
 */
describe('compose.yaml environment against the apps’ config schemas', () => {
  let topology: Topology;
  beforeAll(async () => {
    topology = await loadTopology();
  });

  it('builds every app of the repository from docker/Dockerfile', () => {
    expect(topology.apps.map((a) => a.app).sort()).toEqual(repositoryApps());
    for (const { service } of topology.apps) {
      expect(topology.compose.services[service].build).toMatchObject({ context: '..', dockerfile: 'docker/Dockerfile' });
    }
  });

  describe.each(repositoryApps())('%s', (app) => {
    it('passes only variables its config schema reads', () => {
      const svc = appService(topology, app);
      const unknown = [...svc.env.keys()].filter((name) => !(name in svc.config.fields));
      expect(unknown).toEqual([]);
    });

    it('sets every variable its config schema requires', () => {
      const svc = appService(topology, app);
      const missing = requiredVariables(svc.config).filter((name) => !svc.env.get(name));
      expect(missing).toEqual([]);
    });

    it('gets an environment its config schema accepts', () => {
      const svc = appService(topology, app);
      const result = svc.config.schema.safeParse(Object.fromEntries(svc.env));
      const problems = result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      expect(problems).toEqual([]);
    });

    it('runs on its own PostgreSQL database and on RabbitMQ, never on the embedded fallbacks', () => {
      const svc = appService(topology, app);
      if ('DATABASE_URL' in svc.config.fields) {
        const url = new URL(svc.env.get('DATABASE_URL') ?? 'missing:');
        expect(url.protocol).toBe('postgres:');
        expect(url.hostname).toBe('postgres');
        expect(topology.compose.services[url.hostname]).toBeDefined();
        // The role named in the URL owns the database of the same name (init-databases.sh).
        expect(decodeURIComponent(url.username)).toBe(url.pathname.slice(1));
      }
      if ('BROKER_URL' in svc.config.fields) {
        const url = new URL(svc.env.get('BROKER_URL') ?? 'missing:');
        expect(url.protocol).toBe('amqp:');
        expect(topology.compose.services[url.hostname]).toBeDefined();
      }
    });
  });

  it('seals the auth-server’s signing keys with a key-encryption key from a git-ignored secret file', () => {
    const auth = appService(topology, 'auth-server');
    const service = topology.compose.services[auth.service];
    const secret = /^\/run\/secrets\/([a-z_]+)$/.exec(String((service.environment as Record<string, unknown> | undefined)?.KEYS_ENCRYPTION_KEY_FILE ?? ''))?.[1];
    expect(secret).toBeDefined();
    expect((service.secrets ?? []).map((s) => (typeof s === 'string' ? s : s.source))).toContain(secret);
    expect(topology.compose.secrets?.[secret ?? '']?.file).toMatch(/^\.\/secrets\//);
    // What the operator is told to generate: 32 random bytes, base64url (the setting's format).
    expect(readFileSync(`${__dirname}/../README.md`, 'utf8')).toContain(`openssl rand 32 | basenc --base64url > docker/${topology.compose.secrets?.[secret ?? '']?.file?.slice(2)}`);
  });

  it('gives each service a database of its own', () => {
    const databases = topology.apps.filter((a) => a.env.has('DATABASE_URL')).map((a) => new URL(a.env.get('DATABASE_URL') as string).pathname);
    expect(new Set(databases).size).toBe(databases.length);
  });

  it('names one issuer and the same resource identifiers everywhere', () => {
    const issuers = new Set(topology.apps.filter((a) => 'ISSUER_URL' in a.config.fields).map((a) => canonicalUrl(effectiveValue(a, 'ISSUER_URL'))));
    expect(issuers.size).toBe(1);

    const auth = appService(topology, 'auth-server');
    const mcp = appService(topology, 'mcp-server');
    const audit = appService(topology, 'audit-service');
    expect(canonicalUrl(effectiveValue(auth, 'MCP_RESOURCE_URL'))).toBe(canonicalUrl(effectiveValue(mcp, 'RESOURCE_URL')));
    expect(canonicalUrl(effectiveValue(auth, 'AUDIT_RESOURCE_URL'))).toBe(
      canonicalUrl(effectiveValue(audit, 'RESOURCE_URL') ?? effectiveValue(audit, 'AUDIT_RESOURCE_URL')),
    );
  });

  it('defaults to the same public identifiers as `npm start`', () => {
    const auth = appService(topology, 'auth-server');
    expect(effectiveValue(auth, 'ISSUER_URL')).toBe('http://localhost:9000');
    expect(effectiveValue(auth, 'MCP_RESOURCE_URL')).toBe('http://localhost:3000/mcp');
    expect(effectiveValue(auth, 'AUDIT_RESOURCE_URL')).toBe('http://localhost:3100/audit');
  });

  /**
   * Inside the compose network `localhost` is the container itself, so a service that checks
   * tokens must fetch the issuer's keys from the auth-server service, not from the public URL.
   */
  describe('token-checking services reach the issuer’s keys inside the network', () => {
    const KNOWN_GAPS = new Set<string>();

    it.each(repositoryApps().filter((app) => app !== 'auth-server'))('%s', (app) => {
      const svc = appService(topology, app);
      if (!('ISSUER_URL' in svc.config.fields)) return;
      const issuer = new URL(effectiveValue(svc, 'ISSUER_URL') as string);
      const inside = !['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
      if (KNOWN_GAPS.has(app)) {
        expect('JWKS_URI' in svc.config.fields).toBe(false);
        return;
      }
      if (inside) return;
      const jwks = new URL(svc.env.get('JWKS_URI') ?? 'missing:');
      const auth = appService(topology, 'auth-server');
      expect(jwks.hostname).toBe(auth.service);
      expect(Number(jwks.port)).toBe(Number(effectiveValue(auth, 'PORT')));
      expect(jwks.pathname).toBe('/jwks');
    });
  });

  describe('.env.example', () => {
    const example = loadEnvExample();
    const composeText = readComposeText();

    it('lists every variable compose.yaml interpolates, and no other but Compose’s own (COMPOSE_*)', () => {
      const referenced = new Set(variableReferences(composeText).map((r) => r.name));
      expect([...referenced].filter((name) => !example.has(name))).toEqual([]);
      expect([...example.keys()].filter((name) => !referenced.has(name) && !name.startsWith('COMPOSE_'))).toEqual([]);
    });

    it('commits no secret: every secret is empty there and required by compose.yaml', () => {
      const required = requiredComposeVariables(composeText);
      const secretLike = [...example.keys()].filter((name) => /(PASSWORD|SECRET|TOKEN)$/.test(name));
      expect(secretLike.length).toBeGreaterThan(0);
      for (const name of secretLike) {
        expect({ name, value: example.get(name) }).toEqual({ name, value: '' });
        expect({ name, required: required.has(name) }).toEqual({ name, required: true });
      }
      // BOOTSTRAP_USERS would carry passwords: optional and empty.
      expect(example.get('BOOTSTRAP_USERS')).toBe('');
    });

    it('makes compose refuse to start until the secrets are filled in', () => {
      const asCommitted = parseEnvFile(readFileSync(ENV_EXAMPLE_PATH, 'utf8'));
      const env = environmentOf(topology.compose.services['auth-server']);
      expect(() => interpolate(env.get('REGISTRATION_INITIAL_ACCESS_TOKEN') as string, asCommitted)).toThrow(/REGISTRATION_INITIAL_ACCESS_TOKEN/);
      expect(() => interpolate(env.get('DATABASE_URL') as string, asCommitted)).toThrow(/AUTH_DB_PASSWORD/);
    });
  });

  it('writes no credential into compose.yaml itself', () => {
    for (const [service, definition] of Object.entries(topology.compose.services)) {
      for (const [name, raw] of environmentOf(definition)) {
        if (/(PASS|PASSWORD|SECRET|TOKEN)$/.test(name)) expect({ service, name, interpolated: raw.includes('${') }).toEqual({ service, name, interpolated: true });
        if (/_URL$/.test(name) && /^[a-z]+:\/\/[^/@]*:[^/@]*@/.test(raw)) {
          const password = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/.exec(raw)?.[1] ?? '';
          expect({ service, name, password: password.startsWith('${') }).toEqual({ service, name, password: true });
        }
      }
    }
  });
});
