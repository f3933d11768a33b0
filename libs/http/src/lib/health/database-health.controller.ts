import { Controller, Get, Inject, Module } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';

/**
 * Health of a service whose only hard dependency is its database (@nestjs/terminus):
 * `/health/live` answers while the process serves HTTP; `/health/ready` while the database
 * answers too. The broker is deliberately not a readiness condition for producers: their
 * events wait in the outbox while it is away, so they can keep serving.
 */
@Controller('health')
export class DatabaseHealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(TypeOrmHealthIndicator) private readonly db: TypeOrmHealthIndicator,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 2000 })]);
  }
}

/** Mounts DatabaseHealthController; the app must have a TypeORM DataSource. */
@Module({ imports: [TerminusModule], controllers: [DatabaseHealthController] })
export class DatabaseHealthModule {}
