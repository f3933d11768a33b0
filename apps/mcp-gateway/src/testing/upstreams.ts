import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { freePort } from '@portcullis/testing';
import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { join } from 'node:path';
import { z } from 'zod';

export interface TestUpstream {
  url: string;
  stop(): Promise<void>;
}

/**
 * The reference server nobody here wrote, `@modelcontextprotocol/server-everything` in its
 * Streamable HTTP mode: stateful (sessions, SSE answers and notifications), at `/mcp`.
 */
export async function startEverything(): Promise<TestUpstream> {
  const port = await freePort();
  const main = join(__dirname, '../../../../node_modules/@modelcontextprotocol/server-everything/dist/index.js');
  const child = spawn(process.execPath, [main, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const deadline = Date.now() + 20_000;
  while (!out.includes('listening on port')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server-everything did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A stateless MCP SDK server that remembers the headers of every request it got. */
export interface RecordingUpstream extends TestUpstream {
  requests: IncomingHttpHeaders[];
}

function statelessServer(): McpServer {
  const server = new McpServer({ name: 'stateless-upstream', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Says hello', inputSchema: { name: z.string().max(50) } }, ({ name }) => ({
    content: [{ type: 'text', text: `hello ${name}` }],
  }));
  server.registerTool('fail', { description: 'Always fails' }, () => ({ content: [{ type: 'text', text: 'no' }], isError: true }));
  server.registerTool('internal-reset', { description: 'Never to be reached through the gateway' }, () => ({ content: [{ type: 'text', text: 'reset' }] }));
  return server;
}

export async function startStatelessUpstream(): Promise<RecordingUpstream> {
  const requests: IncomingHttpHeaders[] = [];
  const http: Server = createServer((req, res) => {
    requests.push(req.headers);
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      // The SDK's stateless mode: one server and one transport per request.
      const server = statelessServer();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on('close', () => void transport.close().then(() => server.close()));
      void server
        .connect(transport)
        .then(() => transport.handleRequest(req, res, raw ? JSON.parse(raw) : undefined))
        .catch(() => res.writeHead(500).end());
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    requests,
    stop: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

/** Accepts connections and requests, and never answers: the upstream that would hang a naive proxy. */
export async function startSilentUpstream(): Promise<TestUpstream> {
  const http: Server = createServer(() => undefined);
  const port = await freePort();
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async stop() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
