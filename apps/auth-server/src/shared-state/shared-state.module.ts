import { Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { MemoryState } from './memory-state';
import { RedisState } from './redis-state';
import { COUNTER_STORE, USE_ONCE_LEDGER } from './shared-state';
import { SharedCounterEntity } from './shared-counter.entity';
import { SqlState } from './sql-state';
import { UsedKeyEntity } from './used-key.entity';

const REDIS_STATE = Symbol('REDIS_STATE');

/** Closes the Redis connection, if any, when the application stops. */
@Injectable()
class RedisStateCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS_STATE) private readonly redis: RedisState | undefined) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}

/**
 * Where the replicas' shared state lives, decided once:
 * - REDIS_URL set → Redis, for the replay ledger and the counters;
 * - else the replay ledger in the database (both engines: it survives a restart), and the
 *   counters in PostgreSQL when DATABASE_URL is set, in this process's memory on SQLite
 *   (one process; `npm start`).
 */
@Module({
  imports: [TypeOrmModule.forFeature([UsedKeyEntity, SharedCounterEntity])],
  providers: [
    {
      provide: REDIS_STATE,
      inject: [AUTH_CONFIG],
      useFactory: async (config: AuthConfig) => {
        if (!config.redisUrl) return undefined;
        const logger = new Logger('SharedState');
        const state = new RedisState(config.redisUrl, config.redisKeyPrefix, (m) => logger.warn(m));
        await state.connect();
        return state;
      },
    },
    RedisStateCloser,
    {
      provide: USE_ONCE_LEDGER,
      inject: [REDIS_STATE, getDataSourceToken()],
      useFactory: (redis: RedisState | undefined, dataSource: DataSource) => redis ?? new SqlState(dataSource),
    },
    {
      provide: COUNTER_STORE,
      inject: [REDIS_STATE, getDataSourceToken()],
      useFactory: (redis: RedisState | undefined, dataSource: DataSource) =>
        redis ?? (dataSource.options.type === 'postgres' ? new SqlState(dataSource) : new MemoryState()),
    },
  ],
  exports: [USE_ONCE_LEDGER, COUNTER_STORE],
})
export class SharedStateModule {}
