import { z } from 'zod';

/**
 * Reads configuration from the environment once, at start-up. Every bad variable gets one
 * clear line on stderr and the process stops: a service never runs half-configured.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
  }
}

export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(problemLines(result.error));
}

/** The lines parseConfig would refuse `env` with, one per bad variable; none when it is valid. */
export function configProblems(schema: z.ZodType, env: NodeJS.ProcessEnv): string[] {
  const result = schema.safeParse(env);
  return result.success ? [] : problemLines(result.error);
}

function problemLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => `config: ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
}

/** parseConfig for a process entry point: prints the problems and exits with status 78 (EX_CONFIG). */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.problems) process.stderr.write(`${line}\n`);
      process.exit(78);
    }
    throw err;
  }
}
