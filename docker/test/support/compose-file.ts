import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DOCKER_DIR } from './paths';

/** The parts of a Compose service these tests look at. */
export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; target?: string } | string;
  command?: string[] | string;
  read_only?: boolean;
  cap_drop?: string[];
  container_name?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published?: string | number })[];
  expose?: (string | number)[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  volumes?: (string | { source?: string; target: string })[];
  secrets?: (string | { source: string; target?: string })[];
  deploy?: { replicas?: number };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string; environment?: string }>;
  [extension: string]: unknown;
}

export const COMPOSE_PATH = join(DOCKER_DIR, 'compose.yaml');
export const ENV_EXAMPLE_PATH = join(DOCKER_DIR, '.env.example');

export function readComposeText(): string {
  return readFileSync(COMPOSE_PATH, 'utf8');
}

/** The compose file as Compose reads it: YAML 1.2 with merge keys (`<<: *service`). */
export function loadCompose(text = readComposeText()): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

/** `KEY=value` lines of an env file, as Compose reads docker/.env (comments and blanks skipped). */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=value: ${raw}`);
    vars.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return vars;
}

export function loadEnvExample(): Map<string, string> {
  return parseEnvFile(readFileSync(ENV_EXAMPLE_PATH, 'utf8'));
}

/** One `${…}` reference of Compose interpolation. */
export interface VariableReference {
  name: string;
  /** `:-`, `-`, `:?`, `?`, `:+`, `+`, or none. */
  operator: string;
  argument: string;
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Every variable a text interpolates (Compose interpolation; `$$` is a literal dollar). */
export function variableReferences(text: string): VariableReference[] {
  const refs: VariableReference[] = [];
  for (const match of text.replaceAll('$$', '').matchAll(REFERENCE)) {
    refs.push({ name: match[1] ?? match[4], operator: match[2] ?? '', argument: match[3] ?? '' });
  }
  return refs;
}

/**
 * Compose interpolation of one value: `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?error}`, `${VAR?error}`, `${VAR:+replacement}`, `${VAR+replacement}`, `$VAR`, `$$`.
 * A missing required variable throws with Compose's message.
 */
export function interpolate(value: string, env: ReadonlyMap<string, string>): string {
  return value
    .split('$$')
    .map((part) =>
      part.replace(REFERENCE, (_all, braced: string | undefined, operator = '', argument = '', bare: string | undefined) => {
        const name = (braced ?? bare) as string;
        const set = env.has(name);
        const current = env.get(name) ?? '';
        switch (operator) {
          case ':-':
            return current === '' ? argument : current;
          case '-':
            return set ? current : argument;
          case ':?':
            if (current === '') throw new Error(`required variable ${name} is missing a value: ${argument}`);
            return current;
          case '?':
            if (!set) throw new Error(`required variable ${name} is missing a value: ${argument}`);
            return current;
          case ':+':
            return current === '' ? '' : argument;
          case '+':
            return set ? argument : '';
          default:
            return current;
        }
      }),
    )
    .join('$');
}

/** A service's environment as a map of names to their raw (uninterpolated) values. */
export function environmentOf(service: ComposeService): Map<string, string> {
  const env = new Map<string, string>();
  const source = service.environment ?? {};
  if (Array.isArray(source)) {
    for (const entry of source) {
      const eq = entry.indexOf('=');
      env.set(eq < 0 ? entry : entry.slice(0, eq), eq < 0 ? '' : entry.slice(eq + 1));
    }
  } else {
    for (const [k, v] of Object.entries(source)) env.set(k, v === null ? '' : String(v));
  }
  return env;
}

/**
 * The files a service gets from the repository by bind mount (short syntax `./host:/container[:ro]`),
 * by their path inside the container: a setting that names a mounted file is read from here.
 */
export function boundFiles(service: ComposeService): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of service.volumes ?? []) {
    if (typeof entry !== 'string' || !entry.startsWith('./')) continue;
    const [host, container] = entry.split(':');
    files.set(container, join(DOCKER_DIR, host));
  }
  return files;
}

/** The top-level secrets a service gets, by their path inside the container (/run/secrets/<name>). */
export function mountedSecrets(service: ComposeService): Map<string, string> {
  const secrets = new Map<string, string>();
  for (const entry of service.secrets ?? []) {
    const name = typeof entry === 'string' ? entry : entry.source;
    const target = typeof entry === 'string' ? undefined : entry.target;
    secrets.set(target?.startsWith('/') ? target : `/run/secrets/${target ?? name}`, name);
  }
  return secrets;
}

/** A published port: host side (raw, may interpolate) and container side. */
export interface PortMapping {
  published: string;
  target: number;
}

/** Short syntax `[ip:]host:container[/proto]` or the long syntax. */
export function portMappings(service: ComposeService): PortMapping[] {
  return (service.ports ?? []).map((entry) => {
    if (typeof entry !== 'string') return { published: String(entry.published ?? ''), target: entry.target };
    const spec = entry.replace(/\/(tcp|udp)$/, '');
    // Split on the last colons outside ${…}: container port last, host port before it.
    const parts = spec.split(/:(?![^{]*\})/);
    const target = Number(parts[parts.length - 1]);
    const published = parts.length >= 2 ? parts[parts.length - 2] : '';
    return { published, target };
  });
}

/** The names of the services a service waits for, with their conditions. */
export function dependencies(service: ComposeService): Map<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return new Map(deps.map((d) => [d, 'service_started']));
  return new Map(Object.entries(deps).map(([name, d]) => [name, d.condition]));
}

/** The Dockerfile target of a service built from this repository, if it is one. */
export function buildTarget(service: ComposeService): string | undefined {
  return typeof service.build === 'object' ? service.build.target : undefined;
}
