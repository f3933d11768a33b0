import { MAX_BATCH, MalformedMcpBody, readMcpBody } from './mcp-body';

describe('reading an MCP body', () => {
  it('finds the uses and listings of a message or a batch, and ignores the rest', () => {
    expect(
      readMcpBody([
        { jsonrpc: '2.0', id: 1, method: 'tools/list' },
        { jsonrpc: '2.0', id: 'a', method: 'tools/call', params: { name: 'echo' } },
        { jsonrpc: '2.0', id: 2, method: 'resources/read', params: { uri: 'file:///a' } },
        { jsonrpc: '2.0', id: 3, method: 'prompts/get', params: { name: 'p' } },
        { jsonrpc: '2.0', id: 4, method: 'resources/templates/list' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 5, method: 'some/future-method', params: { anything: true } },
        { jsonrpc: '2.0', id: 9, result: {} },
      ]),
    ).toEqual({
      uses: [
        { capability: 'tool', id: 'a', name: 'echo' },
        { capability: 'resource', id: 2, name: 'file:///a' },
        { capability: 'prompt', id: 3, name: 'p' },
      ],
      lists: [
        { capability: 'tool', id: 1 },
        { capability: 'resource', id: 4 },
      ],
      method: 'tools/list',
    });
    expect(readMcpBody({ jsonrpc: '2.0', id: 1, method: 'initialize' })).toEqual({ uses: [], lists: [], method: 'initialize' });
    expect(readMcpBody({ jsonrpc: '2.0', id: 1, method: 'constructor' })).toEqual({ uses: [], lists: [], method: 'constructor' });
  });

  it('refuses what no server could answer: empty or huge batches, non-objects, uses without a sane name', () => {
    expect(() => readMcpBody([])).toThrow(MalformedMcpBody);
    expect(() => readMcpBody(Array.from({ length: MAX_BATCH + 1 }, () => ({ jsonrpc: '2.0', method: 'ping', id: 1 })))).toThrow(MalformedMcpBody);
    expect(() => readMcpBody('text')).toThrow(MalformedMcpBody);
    expect(() => readMcpBody({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: {} })).toThrow(/params.name/);
    expect(() => readMcpBody({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x'.repeat(257) } })).toThrow(/params.name/);
    expect(() => readMcpBody({ jsonrpc: '2.0', id: 1, method: 'resources/read', params: { uri: 7 } })).toThrow(/params.uri/);
  });
});
