// Timing one MCP request at a time, for the gateway bench: node:http on a keep-alive agent (the
// connection is reused, as an MCP client's is) and performance.now(), since autocannon's
// latencies are whole milliseconds and the gateway's cost is a fraction of one.
import { Agent, request } from 'node:http';

/** What an MCP client sends with every request over Streamable HTTP. */
export const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
};

/** A tools/call of the bench upstream's `name` tool: 2 + 3. */
export const callBody = (name) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: { a: 2, b: 3 } } });

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/**
 * POSTs `body` and resolves to `{ status, ms }`, where ms is when `until(textSoFar)` first held
 * (or the end of the answer): the answer is always read to its end before the next request.
 */
function timed(url, headers, body, until) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let text = '';
    let at;
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        text += chunk;
        if (at === undefined && until(text)) at = performance.now();
      });
      res.on('end', () => {
        const ended = performance.now();
        if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 300)}`));
        else resolve({ text, ms: (at ?? ended) - started });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Milliseconds from sending a request to the end of its answer. */
export async function responseMs(url, headers, body) {
  return (await timed(url, headers, body, () => false)).ms;
}

/** Milliseconds from sending a request to the first complete SSE event of its answer. */
export async function firstEventMs(url, headers, body) {
  const { text, ms } = await timed(url, headers, body, (soFar) => /^data: .*\n\n/m.test(soFar));
  if (!text.startsWith('event:') && !text.startsWith('data:') && !text.startsWith('id:')) throw new Error(`${url} did not answer with SSE: ${text.slice(0, 300)}`);
  return ms;
}
