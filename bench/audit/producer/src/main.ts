// A producer as the services are one, for bench/audit/pipeline.mjs: libs/events' AuditEvents on
// an outbox database of its own (group-committed INSERTs, the outbox relay, publisher confirms),
// emitting mcp.tool.called events at an offered rate. Prints `{"emitted":n}` once the relay has
// delivered everything. Environment: DATABASE_URL, BROKER_URL, SOURCE, RATE (events/s), SECONDS.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { EventType } from '@portcullis/contracts';
import { AuditEvents, EVENTS_ENTITIES, EVENTS_MIGRATIONS } from '@portcullis/events';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const env = process.env;
  const rate = Number(env.RATE);
  const seconds = Number(env.SECONDS);
  const ds = await new DataSource({ type: 'postgres', url: env.DATABASE_URL, entities: EVENTS_ENTITIES, migrations: EVENTS_MIGRATIONS, migrationsRun: true, logging: false }).initialize();
  const events = new AuditEvents(ds, { source: env.SOURCE ?? '/bench/producer', brokerUrl: env.BROKER_URL, shutdownFlushMs: 120_000 });
  events.start();
  const start = performance.now();
  let sent = 0;
  // The offered load as floor.mjs offers it: each 10 ms tick's events, then wait until they are
  // committed before the next tick (a service's request waits for its event the same way).
  while (performance.now() - start < seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate) - sent;
    if (due > 0) {
      // One tick's events: recorded in the same event-loop turn, so one group commit carries them.
      const tick: Promise<string>[] = [];
      for (let i = 0; i < due; i++) {
        const n = sent + i;
        const subject = `user-${n % 50}`;
        tick.push(events.emit(EventType.McpToolCalled, { tool: 'analyze_sentiment', outcome: 'success', duration_ms: n % 40, client_id: `client-${n % 7}`, subject, jti: `bench-${n}` }, { subject }));
      }
      await Promise.all(tick);
      sent += due;
    }
    await sleep(Math.max(0, 10 - ((performance.now() - start) % 10)));
  }
  await events.relay.flush(120_000);
  process.stdout.write(`${JSON.stringify({ emitted: sent })}\n`);
  await events.stop();
  await ds.destroy();
}

main().catch((err) => {
  process.stderr.write(`bench producer failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
