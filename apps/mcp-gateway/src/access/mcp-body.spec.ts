import { MAX_BATCH, MalformedMcpBody, readMcpBody } from './mcp-body';

describe('reading an MCP body', () => {
  it('finds the tool calls and tools/list requests of a message or a batch, and ignores the rest', () => {
    expect(
      readMcpBody([
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'echo' } },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 3, method: 'some/future-method', params: { anything: true } },
        { jsonrpc: '2.0', id: 9, result: {} },
      ]),
    ).toEqual({ calls: [{ id: 'a', tool: 'echo' }], listIds: [1], method: 'tools/list' });
    expect(readMcpBody({ jsonrpc: '2.0', id: 1, method: 'initialize' })).toEqual({ calls: [], listIds: [], method: 'initialize' });
  });

  it('refuses what no server could answer: empty or huge batches, non-objects, tool calls without a sane name', () => {
    expect(() => readMcpBody([])).toThrow(MalformedMcpBody);
    expect(() => readMcpBody(Array.from({ length: MAX_BATCH + 1 }, () => ({ jsonrpc: '2.0', method: 'ping', id: 1 })))).toThrow(MalformedMcpBody);
    expect(() => readMcpBody('text')).toThrow(MalformedMcpBody);
    expect(() => readMcpBody({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} })).toThrow(/params.name/);
    expect(() => readMcpBody({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x'.repeat(257) } })).toThrow(/params.name/);
  });
});
