import { InitialPostgres1795700000000 } from './postgres/1795700000000-initial';
import { InitialSqlite1795700000000 } from './sqlite/1795700000000-initial';

/**
 * Schema migrations of the mcp-server's own tables, one list per engine, in order; they run
 * at start (migrationsRun). A new one is written from the difference TypeORM's schema builder
 * sees between the entities and an up-to-date database of each engine
 * (`dataSource.driver.createSchemaBuilder().log()`); migrations.spec.ts fails while the two
 * disagree.
 */
export const MCP_MIGRATIONS_POSTGRES = [InitialPostgres1795700000000];
export const MCP_MIGRATIONS_SQLITE = [InitialSqlite1795700000000];
