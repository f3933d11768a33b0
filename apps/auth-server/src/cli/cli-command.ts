import { INestApplicationContext } from '@nestjs/common';
import { AuthConfig } from '../config/auth-config';

/** One operator command of `node dist/apps/auth-server/cli.js <name> …`. */
export interface CliCommand {
  name: string;
  usage: string;
  description: string;
  /** Runs inside the booted application (default), or with only the parsed config. */
  standalone?: boolean;
  run(app: INestApplicationContext | undefined, args: string[], config: AuthConfig): Promise<void>;
}

/** Parses `--flag value` and `--flag` (boolean) arguments; repeated flags collect. */
export function parseFlags(args: string[]): { positional: string[]; flags: Map<string, string[]> } {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split('=', 2);
    const value = inline ?? (args[i + 1] !== undefined && !args[i + 1].startsWith('--') ? args[++i] : 'true');
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return { positional, flags };
}

/** Reads all of standard input (for secrets that must not appear in the process list). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** The booted application a non-standalone command runs in. */
export function requireApp(app: INestApplicationContext | undefined): INestApplicationContext {
  if (!app) throw new Error('this command needs the application context');
  return app;
}
