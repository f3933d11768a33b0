import type { INestApplication } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseHealthModule } from './database-health.controller';

async function start(module: ReturnType<typeof DatabaseHealthModule.withReadinessChecks> | typeof DatabaseHealthModule): Promise<NestFastifyApplication> {
  const ref = await Test.createTestingModule({ imports: [TypeOrmModule.forRoot({ type: 'better-sqlite3', database: ':memory:' }), module] }).compile();
  const app = ref.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function ready(app: NestFastifyApplication) {
  const res = await app.inject({ method: 'GET', url: '/health/ready' });
  return { status: res.statusCode, cacheControl: res.headers['cache-control'], body: res.json() };
}

describe('DatabaseHealthModule', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('is ready while the database answers, and never cached', async () => {
    const app = await start(DatabaseHealthModule);
    apps.push(app);
    expect(await ready(app)).toMatchObject({ status: 200, cacheControl: 'no-store', body: { status: 'ok', info: { database: { status: 'up' } } } });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ status: 'ok' });
  });

  it("adds the app's own readiness checks: one down makes the service unready (503)", async () => {
    let consuming = true;
    const indicator = new HealthIndicatorService();
    const app = await start(DatabaseHealthModule.withReadinessChecks([() => (consuming ? indicator.check('broker').up() : indicator.check('broker').down())]));
    apps.push(app);
    expect(await ready(app)).toMatchObject({ status: 200, body: { status: 'ok', info: { database: { status: 'up' }, broker: { status: 'up' } } } });
    consuming = false;
    expect(await ready(app)).toMatchObject({ status: 503, body: { status: 'error', info: { database: { status: 'up' } }, error: { broker: { status: 'down' } } } });
  });
});
