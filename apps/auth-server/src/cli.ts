import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfigOrExit } from '@portcullis/config';
import { authConfigSchema } from './config/auth-config';
import { AppModule } from './app.module';
import { CliContext } from './cli/cli-command';
import { describeCliError } from './cli/cli-errors';
import { CLI_COMMANDS } from './cli/commands';

/**
 * Operator commands, run against the same database as the server (same environment). Every
 * failure is one line on stderr, `<command>: <what is wrong>`, and a non-zero status.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name) {
    process.stdout.write(`usage: node dist/apps/auth-server/cli.js <command>\n\n`);
    for (const c of CLI_COMMANDS) process.stdout.write(`  ${c.usage}\n      ${c.description}\n`);
    return 0;
  }
  const command = CLI_COMMANDS.find((c) => c.name === name);
  if (!command) return fail(name, `unknown command; run without arguments for the list (${CLI_COMMANDS.map((c) => c.name).join(', ')})`, 2);
  if (args.includes('--help')) {
    process.stdout.write(`usage: node dist/apps/auth-server/cli.js ${command.usage}\n\n${command.description}\n`);
    return 0;
  }
  const config = loadConfigOrExit(authConfigSchema);

  let app: INestApplicationContext | undefined;
  const context: CliContext = {
    config,
    async app() {
      app ??= await bootApplication(config);
      return app;
    },
  };
  try {
    await command.run(context, args);
    return 0;
  } catch (err) {
    // A setting the application refused while booting (a signing key the KEK cannot open): its own lines.
    if (err instanceof ConfigError) return err.problems.reduce((status, problem) => fail(name, problem, status), 1);
    const { line, status } = describeCliError(err, command.usage);
    return fail(name, line, status);
  } finally {
    await app?.close().catch(() => undefined);
  }
}

/**
 * The application without its HTTP side. Quiet while it boots: a database that cannot be
 * reached is one attempt (no retries), reported by main as one line instead of Nest's and
 * TypeORM's stack traces; warnings and errors are logged again once it runs.
 */
async function bootApplication(config: Parameters<typeof AppModule.forRoot>[0]): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { retryDatabaseConnection: false }), { logger: false, abortOnError: false });
  app.useLogger(['error', 'warn']);
  return app;
}

function fail(name: string, line: string, status: number): number {
  process.stderr.write(`${name}: ${line}\n`);
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  // Not expected (main catches what commands throw); still one line, never a stack.
  (err: unknown) => {
    const lines = err instanceof ConfigError ? err.problems : [describeCliError(err, undefined).line];
    for (const line of lines) process.stderr.write(`${process.argv[2]}: ${line}\n`);
    process.exit(1);
  },
);
