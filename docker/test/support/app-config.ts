import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { z } from 'zod';
import { REPO_ROOT } from './paths';

/**
 * An app's configuration schema, the one its main.ts parses process.env with: the single source
 * of truth for which variables exist, which are required and what values are valid.
 *
 * Loaded at run time from apps/<app>/src/config/ rather than imported: these tests treat the
 * apps as black boxes at the source level (an e2e project imports no app), and the config
 * schema is the one part of an app that is a contract with operators. The project declares the
 * apps as implicit dependencies, so Nx reruns these tests when an app changes.
 */
export interface AppConfigSchema {
  app: string;
  /** The file it was found in, relative to the repository root. */
  file: string;
  /** The whole schema (an object, or an object piped into a transform). */
  schema: z.ZodType;
  /** Every variable the schema reads, with its own field schema. */
  fields: Record<string, z.ZodType>;
}

function isZod(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value && typeof (value as z.ZodType).safeParse === 'function';
}

/** The object schema at the input side of a schema (through transforms and refinements). */
function inputObject(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  const def = (schema as unknown as { _zod: { def: { type: string; in?: z.ZodType; shape?: Record<string, z.ZodType> } } })._zod.def;
  if (def.type === 'object') return def.shape;
  if (def.type === 'pipe' && def.in) return inputObject(def.in);
  return undefined;
}

export async function loadAppConfigSchema(app: string): Promise<AppConfigSchema> {
  const dir = join(REPO_ROOT, 'apps', app, 'src', 'config');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'));
  const found: AppConfigSchema[] = [];
  for (const file of files) {
    const mod = (await import(join(dir, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(mod)) {
      if (!/ConfigSchema$/.test(name) || !isZod(value)) continue;
      const fields = inputObject(value);
      if (fields) found.push({ app, file: `apps/${app}/src/config/${file}`, schema: value, fields });
    }
  }
  if (found.length !== 1) throw new Error(`expected one *ConfigSchema export in apps/${app}/src/config, found ${found.length}`);
  return found[0];
}

/** Variables without which the schema fails: no default, not optional. */
export function requiredVariables(config: AppConfigSchema): string[] {
  return Object.entries(config.fields)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([name]) => name);
}

/** The value a variable takes when unset (undefined if it has none). */
export function defaultOf(config: AppConfigSchema, name: string): unknown {
  const field = config.fields[name];
  if (!field) throw new Error(`${config.app} has no variable ${name}`);
  const result = field.safeParse(undefined);
  return result.success ? result.data : undefined;
}
