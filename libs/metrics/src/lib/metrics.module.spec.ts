import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createHttpApp } from '@portcullis/http';
import { Scrape } from '@portcullis/testing';
import { declareCounter, declareHistogram } from './metrics-registry';
import { MetricsModule } from './metrics.module';
import { declareSampledGauge } from './sampled-gauge';

const TOKEN = 'a-metrics-token-that-is-long-enough-0123456789';

async function start(options: { enabled: boolean; token?: string }) {
  const ref = await Test.createTestingModule({ imports: [MetricsModule.forRoot(options)] }).compile();
  const app = await createHttpApp(ref, { requestLog: false });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

const get = (app: INestApplication, headers: Record<string, string> = {}) =>
  (app as unknown as { inject(o: object): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }> }).inject({ method: 'GET', url: '/metrics', headers });

describe('MetricsModule', () => {
  const apps: INestApplication[] = [];
  afterAll(async () => {
    for (const app of apps) await app.close();
  });

  it('serves the registry in Prometheus text format, never cached, never CORS-readable', async () => {
    const app = await start({ enabled: true });
    apps.push(app);
    const counter = declareCounter({ name: 'portcullis_test_things_total', help: 'things', labelNames: ['kind'] });
    counter.inc({ kind: 'a' }, 2);
    declareHistogram({ name: 'portcullis_test_duration_seconds', help: 'how long', labelNames: ['kind'], buckets: [0.1, 1] }).observe({ kind: 'a' }, 0.5);
    const res = await get(app, { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const scrape = new Scrape(res.body);
    expect(scrape.value('portcullis_test_things_total', { kind: 'a' })).toBe(2);
    expect(scrape.value('portcullis_test_duration_seconds', { kind: 'a' })).toBe(1);
    // The process's own metrics, under their standard names.
    expect(scrape.families.has('process_cpu_seconds_total')).toBe(true);
    expect(scrape.families.has('nodejs_eventloop_lag_seconds')).toBe(true);
  });

  it('declaring a metric twice gives the same metric (several apps in one process), another type is refused', () => {
    const a = declareCounter({ name: 'portcullis_test_twice_total', help: 'x' });
    expect(declareCounter({ name: 'portcullis_test_twice_total', help: 'x' })).toBe(a);
    expect(() => declareHistogram({ name: 'portcullis_test_twice_total', help: 'x' })).toThrow(/another type/);
    expect(() => declareCounter({ name: 'unprefixed_total', help: 'x' })).toThrow(/portcullis_/);
  });

  it('with METRICS_TOKEN: 401 without it or with another, 200 with it', async () => {
    const app = await start({ enabled: true, token: TOKEN });
    apps.push(app);
    const none = await get(app);
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(none.body).not.toContain('portcullis_');
    expect((await get(app, { authorization: `Bearer ${TOKEN}x` })).statusCode).toBe(401);
    expect((await get(app, { authorization: `Bearer ${TOKEN.slice(1)}` })).statusCode).toBe(401);
    expect((await get(app, { authorization: `Basic ${TOKEN}` })).statusCode).toBe(401);
    expect((await get(app, { authorization: `Bearer ${TOKEN}` })).statusCode).toBe(200);
  });

  it('METRICS_ENABLED=false: nothing is mounted (404)', async () => {
    const app = await start({ enabled: false });
    apps.push(app);
    expect((await get(app)).statusCode).toBe(404);
  });

  it('a scrape-time gauge whose source fails or hangs: the scrape still answers, the failure is counted, the gauge says NaN', async () => {
    const app = await start({ enabled: true });
    apps.push(app);
    const gauge = declareSampledGauge({ name: 'portcullis_test_backlog', help: 'backlog', combine: 'sum', timeoutMs: 200 });
    const removeA = gauge.add(() => 3);
    const removeB = gauge.add(async () => 4);
    let scrape = new Scrape((await get(app)).body);
    expect(scrape.value('portcullis_test_backlog')).toBe(7);
    const failuresBefore = scrape.value('portcullis_metrics_sample_failures_total', { gauge: 'portcullis_test_backlog' });

    removeA();
    removeB();
    const removeDown = gauge.add(() => Promise.reject(new Error('connect ECONNREFUSED')));
    const removeHung = gauge.add(() => new Promise<number>(() => undefined));
    const res = await get(app);
    expect(res.statusCode).toBe(200);
    scrape = new Scrape(res.body);
    expect(scrape.samples('portcullis_test_backlog')[0].value).toBeNaN();
    // The registry serialises every metric together, so a failure shows from the next scrape on.
    scrape = new Scrape((await get(app)).body);
    expect(scrape.value('portcullis_metrics_sample_failures_total', { gauge: 'portcullis_test_backlog' })).toBeGreaterThanOrEqual(failuresBefore + 2);

    // One source down, one up: what the live one says is reported.
    const removeUp = gauge.add(() => 5);
    expect(new Scrape((await get(app)).body).value('portcullis_test_backlog')).toBe(5);
    removeDown();
    removeHung();
    removeUp();
  });
});
