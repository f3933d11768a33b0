import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigError, loadConfigOrExit } from '@portcullis/config';
import { authConfigSchema } from './config/auth-config';
import { AppModule } from './app.module';
import { CLI_COMMANDS } from './cli/commands';

/** Operator commands, run against the same database as the server (same environment). */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = CLI_COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stdout.write(`usage: node dist/apps/auth-server/cli.js <command>\n\n`);
    for (const c of CLI_COMMANDS) process.stdout.write(`  ${c.usage}\n      ${c.description}\n`);
    return name ? 2 : 0;
  }
  const config = loadConfigOrExit(authConfigSchema);
  if (command.standalone) {
    try {
      await command.run(undefined, args, config);
      return 0;
    } catch (err) {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error', 'warn'] });
  try {
    await command.run(app, args, config);
    return 0;
  } catch (err) {
    process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  // The application context failed to start (e.g. the database is unreachable): one line, status 1.
  (err: unknown) => {
    const lines = err instanceof ConfigError ? err.problems : [err instanceof Error ? err.message : String(err)];
    for (const line of lines) process.stderr.write(`${process.argv[2]}: ${line}\n`);
    process.exit(1);
  },
);
