import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DOCKER_DIR } from './paths';

export const K8S_DIR = join(DOCKER_DIR, 'k8s');
export const OVERLAYS = ['dev', 'production'] as const;

/** The parts of Kubernetes objects these tests look at (the schemas check the rest). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}
export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number; allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  volumes?: { name: string; secret?: { secretName: string }; configMap?: { name: string } }[];
}
export interface Workload extends KubeObject {
  spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } };
}

/** `kubectl kustomize <overlay>` (Debian: kubernetes-client), parsed. */
export function renderOverlay(overlay: string): KubeObject[] {
  const result = spawnSync('kubectl', ['kustomize', join(K8S_DIR, 'overlays', overlay)], { encoding: 'utf8' });
  if (result.error) throw new Error(`kubectl is needed: ${result.error.message}`);
  // kustomize v4+ (kubectl 1.21+): the `labels:` field and targeted `patches:`.
  if (result.status !== 0) throw new Error(`kubectl kustomize ${overlay} (needs kubectl >= 1.21): ${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length) throw new Error(`kubectl kustomize ${overlay}: ${doc.errors[0].message}`);
    return doc.toJSON() as KubeObject;
  });
}

type Model = new (data: unknown) => { validate(): void };

/**
 * The kubernetes-models class of an object (`apps/v1` + `Deployment` →
 * kubernetes-models/apps/v1/Deployment), whose validate() checks it against the Kubernetes
 * OpenAPI schema of that version.
 */
export function modelOf(object: KubeObject): Model {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(`kubernetes-models/${object.apiVersion}/${object.kind}`) as Record<string, Model>;
  const model = module[object.kind];
  if (!model) throw new Error(`no kubernetes-models class for ${object.apiVersion} ${object.kind}`);
  return model;
}

/** Whether a label selector (matchLabels only, as ours are) selects these labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
