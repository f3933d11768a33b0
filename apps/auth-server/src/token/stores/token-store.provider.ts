import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditTrail } from '../../audit/audit-trail';
import { AUTH_CONFIG, AuthConfig } from '../../config/auth-config';
import { PostgresTokenStore } from './postgres-token.store';
import { SqliteTokenStore } from './sqlite-token.store';
import { TokenStore } from './token-store';

/** The token store of the engine the data source runs on, chosen once, at wiring. */
export const TOKEN_STORE_PROVIDER: Provider = {
  provide: TokenStore,
  inject: [DataSource, AuditTrail, AUTH_CONFIG],
  useFactory: (db: DataSource, audit: AuditTrail, config: AuthConfig): TokenStore =>
    db.options.type === 'postgres' ? new PostgresTokenStore(db, audit, config) : new SqliteTokenStore(db, audit, config),
};
