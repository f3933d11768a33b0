import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppConfigSchema, loadAppConfigSchema, requiredVariables } from './support/app-config';
import { type Container, K8S_DIR, type KubeObject, OVERLAYS, type Workload, modelOf, renderOverlay, selects } from './support/kubernetes';

/**
 * (e) The Kubernetes manifests (docker/k8s: a Kustomize base and its overlays), as `kubectl
 * kustomize` renders each overlay: every object valid against the Kubernetes schemas
 * (kubernetes-models), and what a cluster would only reveal later — probes, requests, HPAs and
 * PDBs that point at real pods, nobody running as root, pinned images, and settings each app's
 * config schema knows.
 */
const APPS = ['auth-server', 'audit-service', 'mcp-server', 'mcp-gateway'];
/** Scaled on load: a HorizontalPodAutoscaler and a PodDisruptionBudget each. */
const SCALED = ['mcp-server', 'mcp-gateway'];
/** The Secrets the operator creates (docker/k8s/README.md); none is in the repository. */
const SECRETS = ['portcullis-secrets', 'portcullis-gateway-identity'];

const configs = new Map<string, AppConfigSchema>();
beforeAll(async () => {
  for (const app of APPS) configs.set(app, await loadAppConfigSchema(app));
});

describe.each(OVERLAYS)('docker/k8s overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);
  const ofKind = <T extends KubeObject = KubeObject>(kind: string) => objects.filter((o) => o.kind === kind) as T[];
  const deployments = ofKind<Workload>('Deployment');
  const containers = (d: Workload): Container[] => d.spec.template.spec.containers;
  const appOf = (d: Workload) => /(?:^|\/)portcullis\/([a-z-]+):/.exec(containers(d)[0].image)?.[1] ?? '';

  it('renders one Deployment and one Service per app, all in the overlay’s namespace', () => {
    expect(deployments.map(appOf).sort()).toEqual([...APPS].sort());
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...APPS].sort());
    expect(ofKind('Service').map((s) => s.metadata.name).sort()).toEqual([...APPS].sort());
    const namespaces = new Set(objects.map((o) => o.metadata.namespace));
    expect(namespaces.size).toBe(1);
    expect([...namespaces][0]).toMatch(/^portcullis/);
  });

  it('validates every object against the Kubernetes schemas (kubernetes-models)', () => {
    const problems: string[] = [];
    for (const object of objects) {
      try {
        new (modelOf(object))(object).validate();
      } catch (error) {
        problems.push(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the validation would catch a broken object', () => {
    const broken = JSON.parse(JSON.stringify(deployments[0])) as Workload;
    (containers(broken)[0] as unknown as Record<string, unknown>).image = 42;
    expect(() => new (modelOf(broken))(broken).validate()).toThrow(/image/);
  });

  it('probes every container: started, alive and ready on the health endpoints, on a declared port', () => {
    for (const d of deployments) {
      for (const c of containers(d)) {
        const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
        const where = `${d.metadata.name}/${c.name}`;
        expect({ where, live: c.livenessProbe?.httpGet?.path, ready: c.readinessProbe?.httpGet?.path, startup: c.startupProbe?.httpGet?.path }).toEqual({
          where,
          live: '/health/live',
          ready: '/health/ready',
          startup: '/health/live',
        });
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) expect({ where, port: ports.has(probe?.httpGet?.port ?? -1) }).toEqual({ where, port: true });
      }
    }
  });

  it('requests CPU and memory for every container, and caps its memory', () => {
    for (const d of deployments) {
      for (const c of containers(d)) {
        expect({ where: d.metadata.name, cpu: !!c.resources?.requests?.cpu, memory: !!c.resources?.requests?.memory, limit: !!c.resources?.limits?.memory }).toEqual({
          where: d.metadata.name,
          cpu: true,
          memory: true,
          limit: true,
        });
      }
    }
  });

  it('runs nothing as root, with no privilege to gain and a read-only root file system', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec.securityContext ?? {};
      for (const c of containers(d)) {
        const sc = c.securityContext ?? {};
        const where = d.metadata.name;
        expect({ where, nonRoot: sc.runAsNonRoot ?? pod.runAsNonRoot, uid: sc.runAsUser ?? pod.runAsUser }).toEqual({ where, nonRoot: true, uid: expect.any(Number) });
        expect(sc.runAsUser ?? pod.runAsUser).not.toBe(0);
        expect({ where, escalation: sc.allowPrivilegeEscalation, readOnly: sc.readOnlyRootFilesystem, drop: sc.capabilities?.drop }).toEqual({
          where,
          escalation: false,
          readOnly: true,
          drop: ['ALL'],
        });
      }
    }
  });

  it('pins every image to a release tag (never latest, never untagged)', () => {
    for (const c of deployments.flatMap(containers)) {
      const tag = /^[^@]+:([^:/@]+)$/.exec(c.image)?.[1];
      expect({ image: c.image, pinned: tag !== undefined && tag !== 'latest' }).toEqual({ image: c.image, pinned: true });
    }
  });

  it('autoscales the MCP server and the gateway: each HPA targets an existing Deployment that leaves it the replica count', () => {
    const hpas = ofKind('HorizontalPodAutoscaler');
    expect(hpas.map((h) => (h.spec?.scaleTargetRef as { name: string }).name).sort()).toEqual([...SCALED].sort());
    for (const hpa of hpas) {
      const ref = hpa.spec?.scaleTargetRef as { apiVersion: string; kind: string; name: string };
      const target = deployments.find((d) => d.metadata.name === ref.name);
      expect({ ref, found: target !== undefined && ref.kind === 'Deployment' && ref.apiVersion === target.apiVersion }).toEqual({ ref, found: true });
      expect(target?.spec.replicas).toBeUndefined();
      expect(Number(hpa.spec?.minReplicas)).toBeGreaterThanOrEqual(1);
      expect(Number(hpa.spec?.maxReplicas)).toBeGreaterThan(Number(hpa.spec?.minReplicas));
    }
  });

  it('guards the scaled services with a PodDisruptionBudget that selects exactly their pods', () => {
    const pdbs = ofKind('PodDisruptionBudget');
    expect(pdbs.map((p) => p.metadata.name).sort()).toEqual([...SCALED].sort());
    for (const pdb of pdbs) {
      const selector = (pdb.spec?.selector as { matchLabels?: Record<string, string> }).matchLabels;
      const matched = deployments.filter((d) => selects(selector, d.spec.template.metadata.labels)).map((d) => d.metadata.name);
      expect({ pdb: pdb.metadata.name, matched }).toEqual({ pdb: pdb.metadata.name, matched: [pdb.metadata.name] });
    }
  });

  it('routes each Service to the pods of one Deployment, on a port they declare', () => {
    for (const service of ofKind('Service')) {
      const spec = service.spec as { selector: Record<string, string>; ports: { targetPort: string | number }[] };
      const matched = deployments.filter((d) => selects(spec.selector, d.spec.template.metadata.labels));
      expect({ service: service.metadata.name, matched: matched.map((d) => d.metadata.name) }).toEqual({ service: service.metadata.name, matched: [service.metadata.name] });
      const ports = new Set(containers(matched[0]).flatMap((c) => (c.ports ?? []).flatMap((p) => [p.name, p.containerPort])));
      for (const p of spec.ports) expect(ports.has(p.targetPort)).toBe(true);
    }
    // Each Deployment's selector picks its own pod template.
    for (const d of deployments) expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
  });

  it('gives each app only variables its config schema reads, every required one, and the rest from ConfigMaps and Secrets that exist', () => {
    const configMaps = new Map(ofKind('ConfigMap').map((m) => [m.metadata.name, m.data ?? {}]));
    for (const d of deployments) {
      const config = configs.get(appOf(d)) as AppConfigSchema;
      const env = containers(d)[0].env ?? [];
      const names = env.map((e) => e.name);
      // Variables only there to be expanded into another one's value ($(NAME)) are not the app's.
      const helpers = new Set(env.flatMap((e) => [...(e.value ?? '').matchAll(/\$\(([A-Z0-9_]+)\)/g)].map((m) => m[1])));
      expect({ app: config.app, unknown: names.filter((n) => !(n in config.fields) && !helpers.has(n)) }).toEqual({ app: config.app, unknown: [] });
      expect({ app: config.app, missing: requiredVariables(config).filter((n) => !names.includes(n)) }).toEqual({ app: config.app, missing: [] });
      for (const e of env) {
        const cm = e.valueFrom?.configMapKeyRef;
        if (cm) expect({ env: e.name, found: configMaps.get(cm.name)?.[cm.key] !== undefined }).toEqual({ env: e.name, found: true });
        const secret = e.valueFrom?.secretKeyRef;
        if (secret) expect(SECRETS).toContain(secret.name);
        // A literal value never carries a secret: those come from secretKeyRef.
        if (/(PASSWORD|SECRET|TOKEN)$/.test(e.name) || /_URL$/.test(e.name)) expect({ env: e.name, literal: /:\/\/[^/@]*:[^/@]*@/.test(e.value ?? '') }).toEqual({ env: e.name, literal: false });
      }
      for (const v of d.spec.template.spec.volumes ?? []) if (v.secret) expect(SECRETS).toContain(v.secret.secretName);
    }
  });

  it('commits no Secret: the operator creates them (docker/k8s/README.md says how)', () => {
    expect(ofKind('Secret')).toEqual([]);
    const readme = readFileSync(join(K8S_DIR, 'README.md'), 'utf8');
    for (const name of SECRETS) expect(readme).toContain(name);
    const keys = new Set(deployments.flatMap((d) => (containers(d)[0].env ?? []).flatMap((e) => e.valueFrom?.secretKeyRef?.key ?? [])));
    for (const key of keys) expect(readme).toContain(key);
  });
});
