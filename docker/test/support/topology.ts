import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readdirSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfigSchema, defaultOf, loadAppConfigSchema } from './app-config';
import { type ComposeFile, boundFiles, buildTarget, environmentOf, interpolate, loadCompose, loadEnvExample, mountedSecrets, variableReferences, readComposeText } from './compose-file';
import { REPO_ROOT } from './paths';

/** Every app of the repository with this tag (apps/<name>/project.json): services are type:app. */
export function repositoryApps(tag = 'type:app'): string[] {
  return readdirSync(join(REPO_ROOT, 'apps'))
    .filter((name) => existsSync(join(REPO_ROOT, 'apps', name, 'project.json')))
    .filter((name) => (JSON.parse(readFileSync(join(REPO_ROOT, 'apps', name, 'project.json'), 'utf8')) as { tags?: string[] }).tags?.includes(tag))
    .sort();
}

/** Variables compose.yaml requires (`${VAR:?…}`): the secrets an operator must supply. */
export function requiredComposeVariables(text = readComposeText()): Set<string> {
  return new Set(variableReferences(text).filter((r) => r.operator === ':?' || r.operator === '?').map((r) => r.name));
}

/**
 * docker/.env as an operator would write it: .env.example with a fresh random value for every
 * secret it leaves empty.
 */
export function filledEnv(): Map<string, string> {
  const env = loadEnvExample();
  for (const name of requiredComposeVariables()) if (!env.get(name)) env.set(name, randomBytes(24).toString('hex'));
  return env;
}

/**
 * What an operator generates for each file secret compose.yaml declares (docker/README.md): the
 * real files are git-ignored, so each test run writes a fresh stand-in the schema can read.
 */
export const SECRET_STAND_INS: Record<string, () => string> = {
  gateway_identity_key: () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  keys_encryption_key: () => `${randomBytes(32).toString('base64url')}\n`,
  metrics_token: () => `${randomBytes(32).toString('hex')}\n`,
};

let standInDir: string | undefined;
function standInSecret(name: string): string {
  const make = SECRET_STAND_INS[name];
  if (!make) throw new Error(`no stand-in for the compose secret ${name}: add one to SECRET_STAND_INS`);
  standInDir ??= mkdtempSync(join(tmpdir(), 'portcullis-compose-secrets-'));
  const path = join(standInDir, name);
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
  return path;
}

export interface AppService {
  /** The compose service name. */
  service: string;
  /** The app (Dockerfile target, apps/<app>). */
  app: string;
  config: AppConfigSchema;
  /**
   * Its environment after interpolation with filledEnv(); a value naming a file the service gets
   * by bind mount is that file's path in the repository, so the schema reads the shipped file.
   */
  env: Map<string, string>;
}

export interface Topology {
  compose: ComposeFile;
  dotenv: Map<string, string>;
  apps: AppService[];
}

export async function loadTopology(): Promise<Topology> {
  const compose = loadCompose();
  const dotenv = filledEnv();
  const apps: AppService[] = [];
  for (const [service, definition] of Object.entries(compose.services)) {
    const app = buildTarget(definition);
    if (!app) continue;
    const files = boundFiles(definition);
    for (const [path, secret] of mountedSecrets(definition)) files.set(path, standInSecret(secret));
    const env = new Map([...environmentOf(definition)].map(([k, v]) => [k, interpolate(v, dotenv)]).map(([k, v]) => [k, files.get(v) ?? v]));
    apps.push({ service, app, config: await loadAppConfigSchema(app), env });
  }
  return { compose, dotenv, apps };
}

/** A variable's value as the app sees it: from compose, else the schema's default. */
export function effectiveValue(svc: AppService, name: string): string | undefined {
  if (svc.env.has(name)) return svc.env.get(name);
  const fallback = defaultOf(svc.config, name);
  return fallback === undefined ? undefined : String(fallback);
}

export function appService(topology: Topology, app: string): AppService {
  const found = topology.apps.find((a) => a.app === app);
  if (!found) throw new Error(`compose.yaml builds no ${app}`);
  return found;
}

/** `http://localhost:3000/mcp/` and `http://localhost:3000/mcp` are the same resource. */
export function canonicalUrl(url: string | undefined): string | undefined {
  return url?.replace(/\/+$/, '');
}
