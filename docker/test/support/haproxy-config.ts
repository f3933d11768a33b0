import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_DIR } from './paths';

export const HAPROXY_DIR = join(DOCKER_DIR, 'haproxy');
/** Where compose mounts docker/haproxy in the balancer's container (the official image's config directory). */
export const HAPROXY_MOUNT = '/usr/local/etc/haproxy';
export const COMMON_CFG_PATH = join(HAPROXY_DIR, 'common.cfg');

/** One section of an HAProxy configuration: `defaults clients from replicas`, then its lines as words. */
export interface Section {
  kind: string;
  name?: string;
  from?: string;
  lines: string[][];
}

const SECTION_KINDS = new Set(['global', 'defaults', 'frontend', 'backend', 'listen', 'resolvers', 'peers', 'userlist', 'mailers', 'program', 'http-errors', 'ring', 'cache']);

/** Words of one line, comments dropped; a double-quoted string is one word (quotes removed). */
function words(line: string): string[] {
  const found: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(#.*$)|(\S+)/g)) {
    if (match[2] !== undefined) break;
    found.push(match[1] ?? match[3]);
  }
  return found;
}

/** The sections of one or more configuration files read in order, as haproxy does with several `-f`. */
export function parseHaproxyConfig(...paths: string[]): Section[] {
  const sections: Section[] = [];
  for (const path of paths) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const w = words(line);
      if (!w.length) continue;
      if (SECTION_KINDS.has(w[0])) {
        const fromAt = w.indexOf('from');
        sections.push({ kind: w[0], name: w[1] === 'from' ? undefined : w[1], from: fromAt > 0 ? w[fromAt + 1] : undefined, lines: [] });
      } else if (!sections.length) {
        throw new Error(`${path}: "${line.trim()}" outside any section`);
      } else {
        sections.at(-1)?.lines.push(w);
      }
    }
  }
  return sections;
}

/** The lines that start with the given words. */
export function linesOf(section: Section, ...prefix: string[]): string[][] {
  return section.lines.filter((l) => prefix.every((p, i) => l[i] === p));
}

/**
 * The lines a frontend or backend runs with: those of its defaults section (named by `from`,
 * following that section's own `from`), then its own.
 */
export function effectiveLines(sections: Section[], section: Section): string[][] {
  const chain: Section[] = [];
  for (let s: Section | undefined = section; s; ) {
    chain.unshift(s);
    const parent: string | undefined = s.from;
    s = parent ? sections.find((d) => d.kind === 'defaults' && d.name === parent) : undefined;
    if (parent && !s) throw new Error(`defaults section ${parent} not found`);
  }
  return chain.flatMap((s) => s.lines);
}

/** `500ms`, `2s`, `1m`, `1h` (HAProxy's time format; a bare number is milliseconds) in ms. */
export function milliseconds(value: string | undefined): number {
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(value ?? '');
  if (!m) return NaN;
  const unit = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 'ms'] ?? NaN;
  return Number(m[1]) * unit;
}

/** A compose load-balancer service and the configuration its command loads. */
export interface Balancer {
  /** The repository files its command loads, in order. */
  files: string[];
  sections: Section[];
  frontend: Section;
  backend: Section;
}

/**
 * The configuration a balancer service runs: its command's `-f` files, each inside the mount of
 * docker/haproxy, mapped back to the repository; one frontend and one backend in them.
 */
export function balancerConfig(command: string[] | string | undefined, volumes: (string | { source?: string; target: string })[] | undefined): Balancer {
  if (!Array.isArray(command) || command[0] !== 'haproxy') throw new Error(`command is not ["haproxy", …]: ${JSON.stringify(command)}`);
  const mounted = (volumes ?? []).some((v) => v === `./haproxy:${HAPROXY_MOUNT}:ro`);
  if (!mounted) throw new Error(`docker/haproxy is not mounted read-only at ${HAPROXY_MOUNT}`);
  const files = command.flatMap((arg, i) => (command[i - 1] === '-f' ? [arg] : [])).map((path) => {
    if (!path.startsWith(`${HAPROXY_MOUNT}/`)) throw new Error(`${path} is not in ${HAPROXY_MOUNT}`);
    return join(HAPROXY_DIR, path.slice(HAPROXY_MOUNT.length + 1));
  });
  const sections = parseHaproxyConfig(...files);
  const one = (kind: string) => {
    const found = sections.filter((s) => s.kind === kind);
    if (found.length !== 1) throw new Error(`${files.join(', ')}: ${found.length} ${kind} sections, expected 1`);
    return found[0];
  };
  return { files, sections, frontend: one('frontend'), backend: one('backend') };
}
