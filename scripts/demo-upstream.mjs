// The demo upstream `npm start` puts behind the gateway: a plain MCP server (the SDK's stateless
// Streamable HTTP mode) that knows nothing of OAuth. It trusts only the gateway's
// Portcullis-Identity JWT, verified against the gateway's key set, and shows what it got.
// Settings: PORT (3400), GATEWAY_URL (http://localhost:3300, the gateway file's publicUrl),
// UPSTREAM_URL (http://127.0.0.1:$PORT/mcp, this server's `url` in the gateway file).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { createServer } from 'node:http';
import { z } from 'zod';

const port = Number(process.env.PORT ?? 3400);
const gatewayUrl = process.env.GATEWAY_URL ?? 'http://localhost:3300';
const ownUrl = process.env.UPSTREAM_URL ?? `http://127.0.0.1:${port}/mcp`;
const maxBody = 1024 * 1024;

// Fetched on first use and cached by jose; a new `kid` refetches it.
const gatewayKeys = createRemoteJWKSet(new URL(`${gatewayUrl}/.well-known/jwks.json`));

/** The caller as the gateway vouches for it, or undefined when the header is missing or invalid. */
async function identity(header) {
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  try {
    const { payload } = await jwtVerify(header, gatewayKeys, {
      issuer: gatewayUrl,
      audience: ownUrl,
      typ: 'portcullis-identity+jwt',
      algorithms: ['EdDSA'],
    });
    return payload;
  } catch {
    return undefined;
  }
}

function demoServer(caller) {
  const server = new McpServer({ name: 'portcullis-demo-upstream', version: '1.0.0' });
  server.registerTool('echo', { description: 'Echoes a message', inputSchema: { message: z.string().max(1000) } }, ({ message }) => ({
    content: [{ type: 'text', text: message }],
  }));
  server.registerTool('whoami', { description: 'Who the gateway says is calling' }, () => ({
    content: [{ type: 'text', text: JSON.stringify({ sub: caller.sub, client_id: caller.client_id, scope: caller.scope }) }],
  }));
  server.registerTool('add_note', { description: 'Pretends to store a note (needs demo:write)', inputSchema: { text: z.string().max(1000) } }, ({ text }) => ({
    content: [{ type: 'text', text: `noted for ${caller.sub}: ${text}` }],
  }));
  return server;
}

const http = createServer((req, res) => {
  let raw = '';
  let tooLarge = false;
  req.on('data', (chunk) => {
    raw += chunk;
    if (raw.length > maxBody) tooLarge = true;
  });
  req.on('end', async () => {
    if (tooLarge) return void res.writeHead(413).end();
    const caller = await identity(req.headers['portcullis-identity']);
    // Only the gateway can mint this header: without it the request did not come through Portcullis.
    if (!caller) return void res.writeHead(401, { 'content-type': 'text/plain' }).end('no valid Portcullis-Identity\n');
    let body;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return void res.writeHead(400).end();
    }
    // Stateless: one server and one transport per request, so any replica could answer.
    const server = demoServer(caller);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void transport.close().then(() => server.close()));
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch {
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
});
http.listen(port, new URL(ownUrl).hostname, () => console.log(`demo upstream listening on ${ownUrl}, trusting ${gatewayUrl}`));
const stop = () => http.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
