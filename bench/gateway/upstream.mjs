// The upstream the gateway bench puts behind the gateway: an MCP SDK server in its stateless
// mode (a new low-level `Server` and transport per request, as the SDK's examples build one),
// with one trivial tool, so the gateway's own cost shows rather than a tool's. Two endpoints:
//   POST /mcp      answers as JSON (`enableJsonResponse`): the throughput and latency runs;
//   POST /sse/mcp  answers as an SSE stream: a log notification at once, the result
//                  STREAM_RESULT_DELAY_MS later — the time to the first event is what is timed.
//   GET /stats     { connections, requests } so far: whether callers reuse their connections.
//   PORT=<port> node bench/gateway/upstream.mjs
import { createServer } from 'node:http';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';

const STREAM_RESULT_DELAY_MS = 5;

const TOOLS = [{ name: 'add', description: 'Adds two numbers', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } } }];

function buildServer() {
  const server = new Server({ name: 'gateway-bench-upstream', version: '1.0.0' }, { capabilities: { tools: {}, logging: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { a = 0, b = 0 } = request.params.arguments ?? {};
    if (request.params.name === 'add-slowly') {
      // On an SSE answer this notification is the first event; the result follows later.
      await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: 'adding' } });
      await new Promise((resolve) => setTimeout(resolve, STREAM_RESULT_DELAY_MS));
    }
    return { content: [{ type: 'text', text: String(Number(a) + Number(b)) }] };
  });
  return server;
}

const stats = { connections: 0, requests: 0 };

const http = createServer((req, res) => {
  stats.requests += 1;
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'POST' || (path !== '/mcp' && path !== '/sse/mcp')) {
      res.writeHead(path === '/health' ? 200 : 404).end();
      return;
    }
    const server = buildServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: path === '/mcp' });
    res.on('close', () => void transport.close().then(() => server.close()));
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res, body))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
});

http.on('connection', () => (stats.connections += 1));
http.listen(Number(process.env.PORT), '127.0.0.1');
