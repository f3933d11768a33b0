import { DynamicModule, Inject, type InjectionToken, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PurgeTask } from './purge-task';
import { PurgeSchedule } from './purge-schedule';
import { Purger } from './purger';

/** What PurgeModule runs: the service's declared tasks and its parsed purgeEnvironment. */
export interface PurgeModuleOptions {
  tasks: readonly PurgeTask[];
  purgeIntervalSeconds: number;
  purgeBatchSize: number;
}

const PURGE_SCHEDULE = Symbol('PURGE_SCHEDULE');

/** Starts the schedule once the application is up; stops it (and waits for a round) on shutdown. */
@Injectable()
class PurgeScheduleLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(PURGE_SCHEDULE) private readonly schedule: PurgeSchedule) {}

  onApplicationBootstrap(): void {
    this.schedule.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.schedule.stop();
  }
}

/**
 * Purges a service's expired rows every PURGE_INTERVAL_SECONDS (0 = never): import beside the
 * TypeORM module, with the tasks its features declare. The Purger is exported, for tests and
 * tools that run a round on demand.
 */
@Module({})
export class PurgeModule {
  static forRootAsync<Config>(options: { inject: [InjectionToken]; useFactory: (config: Config) => PurgeModuleOptions }): DynamicModule {
    const OPTIONS = Symbol('PURGE_OPTIONS');
    return {
      module: PurgeModule,
      providers: [
        { provide: OPTIONS, inject: options.inject, useFactory: options.useFactory },
        {
          provide: Purger,
          inject: [DataSource, OPTIONS],
          useFactory: (db: DataSource, o: PurgeModuleOptions) => new Purger(db, o.tasks, { batchSize: o.purgeBatchSize }),
        },
        {
          provide: PURGE_SCHEDULE,
          inject: [Purger, OPTIONS],
          useFactory: (purger: Purger, o: PurgeModuleOptions) => new PurgeSchedule(purger, { intervalSeconds: o.purgeIntervalSeconds, log: new Logger('purge') }),
        },
        PurgeScheduleLifecycle,
      ],
      exports: [Purger],
    };
  }
}
