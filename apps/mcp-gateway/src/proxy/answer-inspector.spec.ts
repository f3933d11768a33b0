import type { Capability } from '@portcullis/gateway-config';
import { AnswerInspector, type CallOutcome } from './answer-inspector';

const hidden = new Set(['secret', 'file:///private', 'demo://{x}/private', 'internal']);
const listable = (_capability: Capability, name: string) => !hidden.has(name);

describe('answer inspector', () => {
  it('filters the answer of each listing it was asked for, and leaves other answers alone', () => {
    const outcomes: CallOutcome[] = [];
    const inspector = new AnswerInspector(
      {
        uses: [],
        lists: [
          { capability: 'tool', id: 1 },
          { capability: 'resource', id: 'r' },
          { capability: 'prompt', id: 3 },
        ],
      },
      listable,
      async (o) => {
        outcomes.push(o);
      },
    );
    expect(inspector.tap({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'echo' }, { name: 'secret' }], nextCursor: 'c' } })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { tools: [{ name: 'echo' }], nextCursor: 'c' },
    });
    expect(
      inspector.tap({ jsonrpc: '2.0', id: 'r', result: { resources: [{ uri: 'file:///a' }, { uri: 'file:///private' }], resourceTemplates: [{ uriTemplate: 'demo://{x}/private' }] } }),
    ).toEqual({ jsonrpc: '2.0', id: 'r', result: { resources: [{ uri: 'file:///a' }], resourceTemplates: [] } });
    expect(inspector.tap({ jsonrpc: '2.0', id: 3, result: { prompts: [{ name: 'internal' }, { name: 7 }] } })).toEqual({ jsonrpc: '2.0', id: 3, result: { prompts: [] } });
    const other = { jsonrpc: '2.0', id: 2, result: { tools: [{ name: 'secret' }] } };
    expect(inspector.tap(other)).toBe(other);
    const notification = { jsonrpc: '2.0', method: 'notifications/tools/list_changed' };
    expect(inspector.tap(notification)).toBe(notification);
    expect(outcomes).toEqual([]);
  });

  it('reports each tool call once: success, error codes, tool errors, and calls left unanswered', async () => {
    const outcomes: CallOutcome[] = [];
    const inspector = new AnswerInspector(
      {
        uses: [
          { capability: 'tool', id: 1, name: 'ok' },
          { capability: 'tool', id: 2, name: 'rpc' },
          { capability: 'tool', id: 3, name: 'failing' },
          { capability: 'tool', id: 4, name: 'lost' },
          { capability: 'prompt', id: 5, name: 'p' },
        ],
        lists: [],
      },
      listable,
      async (o) => {
        outcomes.push(o);
      },
    );
    expect(inspector.needed).toBe(true);
    inspector.tap({ jsonrpc: '2.0', id: 1, result: { content: [] } });
    inspector.tap({ jsonrpc: '2.0', id: 1, result: { content: [] } });
    inspector.tap({ jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'bad' } });
    inspector.tap({ jsonrpc: '2.0', id: 3, result: { content: [], isError: true } });
    inspector.tap({ jsonrpc: '2.0', id: 5, result: { messages: [] } });
    await inspector.finish('no_response');
    await inspector.finish('no_response');
    expect(outcomes.map(({ tool, error }) => ({ tool, error }))).toEqual([
      { tool: 'ok', error: undefined },
      { tool: 'rpc', error: 'jsonrpc_-32602' },
      { tool: 'failing', error: 'tool_error' },
      { tool: 'lost', error: 'no_response' },
    ]);
    expect(outcomes.every((o) => o.durationMs >= 0)).toBe(true);
  });

  it('holds an answer back until the records it caused are committed', async () => {
    let commit: () => void = () => undefined;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const inspector = new AnswerInspector({ uses: [{ capability: 'tool', id: 1, name: 'ok' }], lists: [] }, listable, () => committed);
    inspector.tap({ jsonrpc: '2.0', id: 1, result: {} });
    let done = false;
    const recorded = inspector.recorded().then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    commit();
    await recorded;
    expect(done).toBe(true);
  });

  it('has nothing to read for a body without listings or tool calls', () => {
    expect(new AnswerInspector({ uses: [{ capability: 'resource', id: 1, name: 'file:///a' }], lists: [] }, listable, () => Promise.resolve()).needed).toBe(false);
  });
});
