import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { authDataSourceOptions } from '../../database/data-source-options';
import { CliCommand, CliUsageError, parseFlags } from '../cli-command';

/**
 * Development tool: compares the entities with the configured database (DATABASE_URL →
 * PostgreSQL, else SQLite) and writes a migration with the difference, like TypeORM's own
 * `migration:generate`, into the engine's migrations folder.
 */
export const migrationGenerateCommand: CliCommand = {
  name: 'migration:generate',
  usage: 'migration:generate <Name> --out <dir>',
  description: 'Write a migration for the difference between the entities and the database.',
  async run({ config }, args) {
    const { positional, flags } = parseFlags(args, { values: ['out'] });
    const name = positional[0];
    const out = flags.get('out')?.[0];
    if (!name || !out) throw new CliUsageError(name ? 'missing --out <dir>' : 'missing <Name>');
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name) || positional.length > 1) throw new CliUsageError('<Name> is one word of letters and digits');
    const db = await new DataSource({ ...authDataSourceOptions(config), migrationsRun: false }).initialize();
    // Apply what exists first, so the difference is only what is new.
    await db.runMigrations({ transaction: 'each' });
    const sql = await db.driver.createSchemaBuilder().log();
    await db.destroy();
    if (sql.upQueries.length === 0) {
      process.stdout.write('no changes\n');
      return;
    }
    const stamp = Date.now();
    const engine = db.options.type === 'postgres' ? 'Postgres' : 'Sqlite';
    const className = `${name}${engine}${stamp}`;
    const line = (q: { query: string; parameters?: unknown[] }) =>
      `    await queryRunner.query(${JSON.stringify(q.query)}${q.parameters?.length ? `, ${JSON.stringify(q.parameters)}` : ''});`;
    const file = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${sql.upQueries.map(line).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${sql.downQueries.reverse().map(line).join('\n')}
  }
}
`;
    mkdirSync(out, { recursive: true });
    const path = join(out, `${stamp}-${name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}.ts`);
    writeFileSync(path, file);
    process.stdout.write(`wrote ${path}\n`);
  },
};
