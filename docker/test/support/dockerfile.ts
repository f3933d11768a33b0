import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER_DIR } from './paths';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name?: string;
  from: string;
  instructions: Instruction[];
}

export const DOCKERFILE_PATH = join(DOCKER_DIR, 'Dockerfile');

/** Instructions per build stage; continuation lines joined, comments dropped. */
export function parseDockerfile(text = readFileSync(DOCKERFILE_PATH, 'utf8')): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (!line && !current)) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1).trim()} `;
      continue;
    }
    current += line;
    if (current) logical.push(current);
    current = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, args = ''] = /^(\S+)\s*(.*)$/.exec(line) as RegExpExecArray;
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) as RegExpExecArray;
      stages.push({ from: m[1], name: m[2], instructions: [] });
    } else if (stages.length > 0) {
      stages[stages.length - 1].instructions.push({ keyword: upper, args });
    }
  }
  return stages;
}

/** A stage and the stages it is built FROM, nearest first. */
export function lineage(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  let stage = stages.find((s) => s.name === name);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    stage = stages.find((s) => s.name === stage?.from);
  }
  return chain;
}

/** The instructions of a kind in effect for a target: its own, else inherited (nearest wins). */
export function effective(stages: Stage[], target: string, keyword: string): Instruction[] {
  for (const stage of lineage(stages, target)) {
    const own = stage.instructions.filter((i) => i.keyword === keyword);
    if (own.length > 0) return own;
  }
  return [];
}

/** Every instruction of a kind along a target's lineage (ENV, EXPOSE accumulate). */
export function accumulated(stages: Stage[], target: string, keyword: string): Instruction[] {
  return lineage(stages, target)
    .reverse()
    .flatMap((s) => s.instructions.filter((i) => i.keyword === keyword));
}

/** An exec-form argument list (`["node", "x"]`). */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not exec form: ${args}`);
  return parsed;
}

/** `ENV A=1 B=2` as a map (the key=value form). */
export function envOf(instructions: Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const i of instructions) for (const m of i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(\S*)/g)) env.set(m[1], m[2]);
  return env;
}
