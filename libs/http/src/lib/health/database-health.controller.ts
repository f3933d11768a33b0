import { Controller, type DynamicModule, Get, Header, Inject, Module, Optional } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';

/** Readiness conditions an app adds after the database's (e.g. the audit-service's broker consumer). */
export const EXTRA_READINESS_CHECKS = Symbol('EXTRA_READINESS_CHECKS');

/**
 * Health of a service whose hard dependency is its database (@nestjs/terminus):
 * `/health/live` answers while the process serves HTTP; `/health/ready` while the database
 * answers too, and any extra check the app registered. The broker is deliberately not a
 * readiness condition for producers: their events wait in the outbox while it is away, so
 * they can keep serving.
 */
@Controller('health')
export class DatabaseHealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(TypeOrmHealthIndicator) private readonly db: TypeOrmHealthIndicator,
    @Optional() @Inject(EXTRA_READINESS_CHECKS) private readonly extra: HealthIndicatorFunction[] = [],
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('cache-control', 'no-store')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.db.pingCheck('database', { timeout: 2000 }), ...this.extra]);
  }
}

/** Mounts DatabaseHealthController; the app must have a TypeORM DataSource. */
@Module({ imports: [TerminusModule], controllers: [DatabaseHealthController] })
export class DatabaseHealthModule {
  /** The same, with readiness conditions of the app's own after the database's. */
  static withReadinessChecks(checks: HealthIndicatorFunction[]): DynamicModule {
    return { module: DatabaseHealthModule, providers: [{ provide: EXTRA_READINESS_CHECKS, useValue: checks }] };
  }
}
