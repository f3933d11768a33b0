import { EventType } from '@portcullis/contracts';
import { AuditRecord, AuditTrail } from './audit-trail';
import { RepeatableRejection, RepeatedRejections } from './repeated-rejections';

describe('RepeatedRejections: identical unauthenticated rejections become one event with a count', () => {
  let recorded: AuditRecord[];
  let rejections: RepeatedRejections;

  beforeEach(() => {
    recorded = [];
    const audit = { record: async (e: AuditRecord) => void recorded.push(e) } as unknown as AuditTrail;
    rejections = new RepeatedRejections(audit, { auditRejectionWindowSeconds: 60 });
  });
  afterEach(() => rejections.onModuleDestroy());

  const denied = (clientId: string): RepeatableRejection => ({
    type: EventType.AuthorizationDenied,
    data: { error: 'invalid_request', error_description: 'unknown client', client_id: clientId },
  });
  const counts = () => recorded.reduce((n, e) => n + ((e.data as { count?: number }).count ?? 1), 0);

  it('records the first at once, counts the repeats, and writes one event with the count at the window end', async () => {
    for (let i = 0; i < 100; i++) await rejections.record({ reason: 'invalid_request', names: 'c1', address: '192.0.2.1' }, denied('c1'));
    expect(recorded).toHaveLength(1);
    await rejections.flush();
    expect(recorded).toHaveLength(2);
    expect(recorded[1].data).toEqual({ ...denied('c1').data, count: 99 });
    expect(counts()).toBe(100);
    await rejections.flush();
    expect(recorded).toHaveLength(2);
  });

  it('keeps different reasons, names and addresses apart', async () => {
    await rejections.record({ reason: 'a', names: 'c1', address: '192.0.2.1' }, denied('c1'));
    await rejections.record({ reason: 'b', names: 'c1', address: '192.0.2.1' }, denied('c1'));
    await rejections.record({ reason: 'a', names: 'c2', address: '192.0.2.1' }, denied('c2'));
    await rejections.record({ reason: 'a', names: 'c1', address: '192.0.2.2' }, denied('c1'));
    expect(recorded).toHaveLength(4);
  });

  it('folds an address rotating names into one event without the name, losing no count', async () => {
    for (let i = 0; i < 1000; i++) await rejections.record({ reason: 'a', names: `client-${i}`, address: '192.0.2.9' }, denied(`client-${i}`));
    expect(recorded.length).toBeLessThanOrEqual(11);
    await rejections.flush();
    expect(recorded.length).toBeLessThanOrEqual(12);
    expect(counts()).toBe(1000);
    expect(recorded.at(-1)?.data).not.toHaveProperty('client_id');
  });

  it('stays bounded in memory: a full table is flushed early', async () => {
    for (let i = 0; i < 12_000; i++) await rejections.record({ reason: 'a', names: undefined, address: `10.0.${i >> 8}.${i & 255}` }, denied('c'));
    expect((rejections as unknown as { pending: Map<string, unknown> }).pending.size).toBeLessThanOrEqual(10_000);
  });
});
