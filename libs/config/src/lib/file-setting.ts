import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * `<NAME>_FILE`: a secret setting read from a file instead of the environment. A Docker or
 * Kubernetes secret mounted as a file stays out of `docker inspect`, the process environment
 * and crash reports. The file's content (surrounding whitespace trimmed: editors add a final
 * newline) is checked with the setting's own schema, and a problem names the file.
 */
export function fileSetting<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .optional()
    .transform((path, ctx): z.output<T> | undefined => {
      if (!path) return undefined;
      let text: string;
      try {
        text = readFileSync(path, 'utf8').trim();
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        return z.NEVER;
      }
      const parsed = schema.safeParse(text);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `${path}: ${parsed.error.issues[0].message}` });
        return z.NEVER;
      }
      return parsed.data;
    });
}

/**
 * A setting given both ways (`NAME` and `NAME_FILE`) is refused rather than one silently
 * winning: the operator meant one of them. Use as a schema's `superRefine`.
 */
export function refuseValueAndFile(shape: z.ZodRawShape) {
  const pairs = Object.keys(shape)
    .filter((name) => name.endsWith('_FILE') && name.slice(0, -'_FILE'.length) in shape)
    .map((file) => [file.slice(0, -'_FILE'.length), file] as const);
  return (env: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx): void => {
    for (const [name, file] of pairs) {
      if (env[name] !== undefined && env[file] !== undefined) ctx.addIssue({ code: 'custom', path: [file], message: `set ${name} or ${file}, not both` });
    }
  };
}
