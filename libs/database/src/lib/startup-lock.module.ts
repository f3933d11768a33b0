import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { releaseStartupLock } from './startup-lock';

/**
 * Releases the start-up lock taken by {@link initializeUnderStartupLock} once this process
 * serves: when its HTTP server starts listening (every lifecycle hook, seeding included, has run
 * by then), or at once in an application without HTTP (a CLI). A process that stops first
 * releases it on shutdown.
 */
@Injectable()
export class StartupLockRelease implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  // The release is not awaited (start-up goes on meanwhile); releaseStartupLock never rejects.
  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as { listening?: boolean; once?: (event: 'listening', fn: () => void) => void } | undefined;
    if (server?.once && !server.listening) server.once('listening', () => void releaseStartupLock(this.dataSource));
    else void releaseStartupLock(this.dataSource);
  }

  async onApplicationShutdown(): Promise<void> {
    await releaseStartupLock(this.dataSource);
  }
}

/** Import beside `TypeOrmModule.forRootAsync({ …, dataSourceFactory: initializeUnderStartupLock })`. */
@Module({ providers: [StartupLockRelease] })
export class StartupLockModule {}
