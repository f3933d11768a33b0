import * as amqp from 'amqplib';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventType, type EventData } from '@portcullis/contracts';
import { AuditEvents, EVENTS_ENTITIES, EVENTS_MIGRATIONS } from '@portcullis/events';
import { parseConfig } from '@portcullis/config';
import { auditConfigSchema, type AuditConfig } from '../config/audit-config';
import { deadLetterNameFor } from '../ingest/audit-topology';

export const TEST_BROKER_URL = process.env.TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export function auditConfig(env: Record<string, string | undefined>): AuditConfig {
  return parseConfig(auditConfigSchema, { NODE_ENV: 'test', ...env });
}

/** A queue name of its own per test file: other tests and services share the broker. */
export function testQueueName(): string {
  return `portcullis.audit.test-${randomUUID().slice(0, 8)}`;
}

export async function deleteTestQueue(queue: string): Promise<void> {
  const connection = await amqp.connect(TEST_BROKER_URL);
  const channel = await connection.createChannel();
  await channel.deleteQueue(queue);
  await channel.deleteQueue(deadLetterNameFor(queue));
  await channel.deleteExchange(deadLetterNameFor(queue));
  await connection.close();
}

/** A producer with its own outbox database, as auth-server or mcp-server would have. */
export async function producer(options: { url?: string; sqlite?: string; source: string; brokerUrl?: string; auditIngestUrl?: string; auditIngestSecret?: string; batchSize?: number }) {
  const ds = new DataSource({
    ...(options.url ? { type: 'postgres' as const, url: options.url } : { type: 'better-sqlite3' as const, database: options.sqlite ?? ':memory:' }),
    entities: EVENTS_ENTITIES,
    migrations: EVENTS_MIGRATIONS,
    migrationsRun: true,
    logging: false,
  });
  await ds.initialize();
  const events = new AuditEvents(ds, { ...options, retryMs: 100, maxRetryMs: 1000, onError: () => undefined });
  events.start();
  return {
    events,
    async close() {
      await events.stop();
      await ds.destroy();
    },
  };
}

export function toolCalled(n: number, tool = 'analyze_sentiment'): EventData<typeof EventType.McpToolCalled> {
  return { tool, outcome: n % 7 === 0 ? 'error' : 'success', duration_ms: n % 50, client_id: `client-${n % 3}`, subject: `user-${n % 5}`, jti: `jti-${n}` };
}

export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, stepMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
