import { INestApplicationContext } from '@nestjs/common';
import { AuthConfig } from '../config/auth-config';

/** What a command runs with: the parsed settings, and the application, booted on first use. */
export interface CliContext {
  config: AuthConfig;
  /** Boots the application (database, migrations) once; a command checks its arguments first. */
  app(): Promise<INestApplicationContext>;
}

/** One operator command of `node dist/apps/auth-server/cli.js <name> …`. */
export interface CliCommand {
  name: string;
  usage: string;
  description: string;
  run(context: CliContext, args: string[]): Promise<void>;
}

/** An operator mistake in the command line itself: told with the command's usage, exit status 2. */
export class CliUsageError extends Error {}

/** An operator mistake about the data (an existing name, an unknown client): exit status 1. */
export class CliInputError extends Error {}

/** The flags a command accepts: `values` take one argument (`--name x`, `--name=x`), `switches` none. */
export interface FlagSpec {
  values?: readonly string[];
  switches?: readonly string[];
}

/**
 * Parses the arguments against the flags the command declares: an unknown flag, a value flag
 * without its value or a switch given one is a usage error, never silently ignored. Repeated
 * value flags collect; switches read as 'true'.
 */
export function parseFlags(args: string[], spec: FlagSpec = {}): { positional: string[]; flags: Map<string, string[]> } {
  const values = new Set(spec.values ?? []);
  const switches = new Set(spec.switches ?? []);
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    let value: string;
    if (switches.has(name)) {
      if (inline !== undefined) throw new CliUsageError(`--${name} takes no value`);
      value = 'true';
    } else if (values.has(name)) {
      const next = inline ?? (args[i + 1] !== undefined && !args[i + 1].startsWith('--') ? args[++i] : undefined);
      if (next === undefined || next === '') throw new CliUsageError(`--${name} needs a value`);
      value = next;
    } else {
      throw new CliUsageError(`unknown flag --${name}`);
    }
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

/** Exactly the positional arguments `names` (e.g. `['<username>']`), in order; a missing or extra one is a usage error. */
export function expectPositional(positional: string[], names: readonly string[]): string[] {
  if (positional.length < names.length) throw new CliUsageError(`missing ${names[positional.length]}`);
  if (positional.length > names.length) throw new CliUsageError(`unexpected argument: ${positional.slice(names.length).join(' ')}`);
  return positional;
}

/** Reads all of standard input (for secrets that must not appear in the process list). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}
