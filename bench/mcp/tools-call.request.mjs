// The request the mcp benches time: tools/call analyze_sentiment, as an MCP client sends it
// over Streamable HTTP (JSON-RPC body, both media types accepted, the protocol version header).

export const TOOLS_CALL_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'tools/call',
  params: { name: 'analyze_sentiment', arguments: { text: 'Acme beats estimates and raises guidance as cloud revenue surges' } },
});

/** autocannon / fetch options for a tools/call on 127.0.0.1:`port`, with `token` as the bearer when given. */
export function toolsCallRequest(port, token) {
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: TOOLS_CALL_BODY,
  };
}
