import { createEvent, EventType, type EventData, type EventTypeName, type PortcullisEvent } from '@portcullis/contracts';
import { emitWithholding, WITHHELD } from './emit-withholding';
import type { EmitOptions } from './audit-events';

/** Longer than the contract's 128 characters for a tool name: refused by the contract. */
const REFUSED_TOOL = `tool_${'x'.repeat(200)}`;

/** The contract's own validation (createEvent), with the recorded events kept here instead of in an outbox. */
class ContractCheckedEvents {
  readonly recorded: PortcullisEvent[] = [];
  async emit<T extends EventTypeName>(type: T, data: EventData<T>, options: EmitOptions = {}): Promise<string> {
    const event = createEvent(type, data, { source: '/test/withholding', subject: options.subject });
    this.recorded.push(event);
    return event.id;
  }
}

const call = (tool: string): EventData<typeof EventType.McpToolCalled> => ({
  tool,
  outcome: 'success',
  duration_ms: 1,
  client_id: 'c1',
  subject: 'alice',
  jti: 'j1',
});

describe('emitWithholding', () => {
  const ownTools = { tool: (value: unknown) => value === 'get_sentiment' };

  it('records an acceptable event as it is', async () => {
    const events = new ContractCheckedEvents();
    const logs: string[] = [];
    await emitWithholding(events, { type: EventType.McpToolCalled, data: call('some_tool'), options: { subject: 'j1' } }, ownTools, (m) => logs.push(m));
    expect(events.recorded.map((e) => [e.data, e.subject])).toEqual([[call('some_tool'), 'j1']]);
    expect(logs).toEqual([]);
  });

  it('records a refused event once more with the caller text withheld, never the refused value', async () => {
    const events = new ContractCheckedEvents();
    const logs: string[] = [];
    await emitWithholding(events, { type: EventType.McpToolCalled, data: call(REFUSED_TOOL) }, ownTools, (m) => logs.push(m));
    expect(events.recorded).toHaveLength(1);
    expect((events.recorded[0].data as { tool: string }).tool).toBe(WITHHELD);
    expect(JSON.stringify(events.recorded)).not.toContain(REFUSED_TOOL);
    expect(logs).toEqual([]);
  });

  it('keeps a field that is the producer’s own name, and logs (without the data) when the event is still refused', async () => {
    const events = new ContractCheckedEvents();
    const logs: string[] = [];
    const ownEverything = { tool: () => true };
    await emitWithholding(events, { type: EventType.McpToolCalled, data: call(REFUSED_TOOL) }, ownEverything, (m) => logs.push(m));
    expect(events.recorded).toEqual([]);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/could not record an audit event mcp\.tool\.called/);
    expect(logs[0]).not.toContain(REFUSED_TOOL);
  });

  it('never throws: any other failure is logged once, without a second attempt', async () => {
    let attempts = 0;
    const failing = {
      emit: async () => {
        attempts++;
        throw new Error('database is down');
      },
    };
    const logs: string[] = [];
    await expect(emitWithholding(failing, { type: EventType.McpToolCalled, data: call('some_tool') }, ownTools, (m) => logs.push(m))).resolves.toBeUndefined();
    expect(attempts).toBe(1);
    expect(logs).toEqual(['could not record an audit event mcp.tool.called: database is down']);
  });
});
