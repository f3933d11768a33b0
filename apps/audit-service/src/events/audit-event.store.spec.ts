import { DataSource, type DataSourceOptions } from 'typeorm';
import { createEvent, EventType, type PortcullisEvent } from '@portcullis/contracts';
import { createTestDatabase, type TestDatabase } from '@portcullis/testing';
import { dataSourceOptions } from '../database/database.module';
import { AuditEventStore } from './audit-event.store';

jest.setTimeout(60_000);

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** Events whose free text holds what a line-joined or escaped parameter could get wrong. */
function awkwardEvents(): PortcullisEvent[] {
  const tool = (n: number, subject: string) => ({ tool: `t "${n}" \\ ü`, outcome: 'success' as const, duration_ms: n, client_id: `client\n${n}`, subject, jti: `j-${n}` });
  return [
    createEvent(EventType.McpToolCalled, tool(1, 'line\nfeed "quoted"'), { source: '/test/store\nsecond line', subject: 'line\nfeed "quoted"', requestId: 'req-1', traceparent }),
    createEvent(EventType.McpToolCalled, tool(2, 'plain'), { source: '/test/store', subject: 'plain' }),
    createEvent(EventType.McpToolCalled, tool(3, '{"a":[1,"b"]}'), { source: '/test/store', subject: '{"a":[1,"b"]}', requestId: 'req-3' }),
  ];
}

describe('AuditEventStore.insertMany on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('portcullis_audit_store');
    ds = await new DataSource(dataSourceOptions({ databaseUrl: db.url, sqlitePath: ':memory:' }) as DataSourceOptions).initialize();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('stores each event with columns that match it, whatever its text holds, once however often it comes', async () => {
    const store = new AuditEventStore(ds);
    const events = awkwardEvents();
    await store.insertMany(events);
    await store.insertMany([events[1], { ...events[0] }]); // redelivered
    const rows: Record<string, string | null>[] = await ds.query(
      'SELECT "id", "type", "source", "subject", "client_id", "time_ms", "event", "trace_id", "request_id" FROM "audit_events" ORDER BY "seq"',
    );
    expect(rows).toEqual(
      events.map((e) => ({
        id: e.id,
        type: e.type,
        source: e.source,
        subject: e.subject,
        client_id: e.data.client_id,
        time_ms: String(Date.parse(e.time)),
        event: JSON.stringify(e),
        trace_id: e.traceparent ? '4bf92f3577b34da6a3ce929d0e0e4736' : null,
        request_id: e.requestid ?? null,
      })),
    );
    // The filters read those columns.
    expect((await store.page({ subject: 'line\nfeed "quoted"' }, 10)).events).toEqual([events[0]]);
    expect((await store.page({ requestId: 'req-3' }, 10)).events).toEqual([events[2]]);
    expect((await store.page({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736' }, 10)).events).toEqual([events[0]]);
  });

  it('refuses a batch with a line feed in a line-joined column, writing none of it', async () => {
    const store = new AuditEventStore(ds);
    const before = await store.count();
    const [good] = awkwardEvents();
    await expect(store.insertMany([good, { ...good, id: 'x', requestid: 'a\nb' }])).rejects.toThrow(/line feed/);
    expect(await store.count()).toBe(before);
  });
});
