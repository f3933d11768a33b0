import { DataSource } from 'typeorm';
import { createEvent, EventType } from '@portcullis/contracts';
import { createTestDatabase, TestDatabase } from '@portcullis/testing';
import { CreateEventOutbox1767000000000 } from './create-event-outbox.migration';
import { OutboxEventEntity } from './outbox-event.entity';
import { OutboxRow, OutboxStore } from './outbox.store';

const toolCalled = (n: number) =>
  createEvent(
    EventType.McpToolCalled,
    { tool: 'analyze_sentiment', outcome: 'success', duration_ms: n, client_id: 'svc', subject: 'svc', jti: `jti-${n}` },
    { source: '/test/outbox-store' },
  );

/** The PostgreSQL relay round (two round trips, the lock taken with the fetch). */
describe('OutboxStore.drain (PostgreSQL)', () => {
  let db: TestDatabase;
  const sources: DataSource[] = [];

  /** A replica of the producer: its own DataSource (pool) on the shared database. */
  async function replica(): Promise<OutboxStore> {
    const ds = new DataSource({ type: 'postgres', url: db.url, entities: [OutboxEventEntity], migrations: [CreateEventOutbox1767000000000], migrationsRun: true, logging: false });
    await ds.initialize();
    sources.push(ds);
    return new OutboxStore(ds);
  }

  beforeAll(async () => {
    db = await createTestDatabase('portcullis_outbox_store');
  });
  afterEach(async () => {
    await sources[0]?.query('DELETE FROM "event_outbox"');
  });
  afterAll(async () => {
    for (const ds of sources) await ds.destroy();
    await db?.drop();
  });

  it('lets one replica drain at a time: the other skips the round while the first holds the lock', async () => {
    const [a, b] = [await replica(), await replica()];
    const events = [toolCalled(1), toolCalled(2), toolCalled(3)];
    await a.insertMany(events);
    let inner: Awaited<ReturnType<OutboxStore['drain']>> | undefined;
    const outer = await a.drain(10, async (rows) => {
      inner = await b.drain(10, async () => {
        throw new Error('the second replica must not get rows while the first drains');
      });
      return { delivered: rows.length };
    });
    expect(inner).toEqual({ fetched: 0, delivered: 0, locked: false });
    expect(outer).toMatchObject({ fetched: 3, delivered: 3, locked: true });
    expect(await a.isEmpty()).toBe(true);
    // The lock ended with the first round's transaction: the other replica drains now.
    await a.insertMany([toolCalled(4)]);
    expect(await b.drain(10, async (rows) => ({ delivered: rows.length }))).toMatchObject({ fetched: 1, delivered: 1, locked: true });
  });

  it('hands rows over in record order and deletes only the delivered prefix', async () => {
    const store = await replica();
    const events = [1, 2, 3, 4, 5].map(toolCalled);
    await store.insertMany(events);
    const failure = new Error('broker nacked');
    let seen: OutboxRow[] = [];
    const first = await store.drain(10, async (rows) => {
      seen = rows;
      return { delivered: 2, error: failure };
    });
    expect(seen.map((r) => r.id)).toEqual(events.map((e) => e.id));
    expect(JSON.parse(seen[0].payload)).toEqual(events[0]);
    expect(first).toEqual({ fetched: 5, delivered: 2, locked: true, error: failure });
    expect(await store.count()).toBe(3);
    const second = await store.drain(2, async (rows) => {
      seen = rows;
      return { delivered: rows.length };
    });
    expect(second).toMatchObject({ fetched: 2, delivered: 2 });
    expect(seen.map((r) => r.id)).toEqual(events.slice(2, 4).map((e) => e.id));
  });

  it('keeps every row when the round fails, and the connection goes back usable (rolled back, lock released)', async () => {
    const store = await replica();
    await store.insertMany([toolCalled(6), toolCalled(7)]);
    await expect(
      store.drain(10, async () => {
        throw new Error('delivery crashed');
      }),
    ).rejects.toThrow('delivery crashed');
    expect(await store.count()).toBe(2);
    expect(await store.drain(10, async (rows) => ({ delivered: rows.length }))).toMatchObject({ fetched: 2, delivered: 2, locked: true });
  });

  it('writes a group as rows whose columns match each event, whatever its text holds, and refuses an id or type with a line feed', async () => {
    const store = await replica();
    // Quotes, backslashes, an escaped line feed and non-ASCII text in the payload.
    const odd = createEvent(EventType.McpToolCalled, { tool: 'say "hi"\\ \n ünïcode', outcome: 'success', duration_ms: 1, client_id: 'svc', subject: 'svc', jti: 'j' }, { source: '/test/outbox-store' });
    const events = [toolCalled(1), odd, toolCalled(2)];
    await store.insertMany(events);
    const rows: { id: string; type: string; payload: string }[] = await sources[0].query('SELECT "id", "type", "payload" FROM "event_outbox" ORDER BY "seq"');
    expect(rows.map((r) => [r.id, r.type, JSON.parse(r.payload)])).toEqual(events.map((e) => [e.id, e.type, e]));
    await expect(store.insertMany([toolCalled(3), { ...toolCalled(4), type: 'mcp.tool.called\nx' }])).rejects.toThrow(/line feed/);
    expect(await store.count()).toBe(3);
  });

  it('reports an empty outbox as a locked round with nothing fetched', async () => {
    const store = await replica();
    expect(await store.isEmpty()).toBe(true);
    expect(await store.drain(10, async () => ({ delivered: 0 }))).toEqual({ fetched: 0, delivered: 0, locked: true });
  });
});
