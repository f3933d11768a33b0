import { EVENTS_MIGRATIONS } from '@portcullis/events';
import { InitialPostgres1795684470489 } from './postgres/1795684470489-initial';
import { InitialSqlite1795684469699 } from './sqlite/1795684469699-initial';
import { RevokedTokensIndexPostgres1795696697495 } from './postgres/1795696697495-revoked-tokens-index';
import { RevokedTokensIndexSqlite1795696698066 } from './sqlite/1795696698066-revoked-tokens-index';
import { ClientResourceServerPostgres1795796990624 } from './postgres/1795796990624-client-resource-server';
import { ClientResourceServerSqlite1795796984127 } from './sqlite/1795796984127-client-resource-server';
import { AssertionJtisPostgres1795818537337 } from './postgres/1795818537337-assertion-jtis';
import { AssertionJtisSqlite1795818537338 } from './sqlite/1795818537338-assertion-jtis';
import { FederationPostgres1795900000000 } from './postgres/1795900000000-federation';
import { FederationSqlite1795900000001 } from './sqlite/1795900000001-federation';
import { RetentionIndexesPostgres1796000000000 } from './postgres/1796000000000-retention-indexes';
import { RetentionIndexesSqlite1796000000001 } from './sqlite/1796000000001-retention-indexes';
import { SharedCountersPostgres1796100000000 } from './postgres/1796100000000-shared-counters';
import { SharedCountersSqlite1796100000001 } from './sqlite/1796100000001-shared-counters';
import { RolesAndDisablingPostgres1796200000000 } from './postgres/1796200000000-roles-and-disabling';
import { RolesAndDisablingSqlite1796200000001 } from './sqlite/1796200000001-roles-and-disabling';
import { GrantLastUsedPostgres1796250000000 } from './postgres/1796250000000-grant-last-used';
import { GrantLastUsedSqlite1796250000001 } from './sqlite/1796250000001-grant-last-used';
import { ClientTokenCutoffsPostgres1796300000000 } from './postgres/1796300000000-client-token-cutoffs';
import { ClientTokenCutoffsSqlite1796300000001 } from './sqlite/1796300000001-client-token-cutoffs';

/**
 * Schema migrations, one list per engine, in order. They run at start (migrationsRun).
 * Written with `node dist/apps/auth-server/cli.js migration:generate <Name> --out <dir>`
 * against an up-to-date database of each engine (see README, "Migrations").
 */
export const AUTH_MIGRATIONS_POSTGRES = [InitialPostgres1795684470489, RevokedTokensIndexPostgres1795696697495, ClientResourceServerPostgres1795796990624, AssertionJtisPostgres1795818537337, FederationPostgres1795900000000, ...EVENTS_MIGRATIONS, RetentionIndexesPostgres1796000000000, SharedCountersPostgres1796100000000, RolesAndDisablingPostgres1796200000000, GrantLastUsedPostgres1796250000000, ClientTokenCutoffsPostgres1796300000000];
export const AUTH_MIGRATIONS_SQLITE = [InitialSqlite1795684469699, RevokedTokensIndexSqlite1795696698066, ClientResourceServerSqlite1795796984127, AssertionJtisSqlite1795818537338, FederationSqlite1795900000001, ...EVENTS_MIGRATIONS, RetentionIndexesSqlite1796000000001, SharedCountersSqlite1796100000001, RolesAndDisablingSqlite1796200000001, GrantLastUsedSqlite1796250000001, ClientTokenCutoffsSqlite1796300000001];
