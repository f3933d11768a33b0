import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { freePort } from '@portcullis/testing';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import { createServer, type Server } from 'node:http';
import type { TestUpstream } from './upstreams';

/**
 * A stateless MCP SDK server that, like a real protected MCP server, accepts only a bearer token
 * its own authorization server issued for it (verified with jose against that server's key set,
 * audience = its own URL). It remembers each token it accepted, and can be told to refuse a
 * token (as after a revocation) to see the gateway fetch another.
 */
export interface GuardedUpstream extends TestUpstream {
  /** Every accepted token's claims, in order, with the raw token. */
  accepted: { token: string; claims: JWTPayload }[];
  /** How many requests it refused. */
  refusedCount: number;
  refuse(token: string): void;
}

export async function startGuardedUpstream(issuer: () => string, jwksUri: () => string): Promise<GuardedUpstream> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const accepted: GuardedUpstream['accepted'] = [];
  const refused = new Set<string>();
  let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  const state = { refusedCount: 0 };
  const verify = async (header: string | undefined): Promise<{ token: string; claims: JWTPayload } | undefined> => {
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token || refused.has(token)) return undefined;
    jwks ??= createRemoteJWKSet(new URL(jwksUri()));
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: issuer(), audience: url });
      return { token, claims: payload };
    } catch {
      return undefined;
    }
  };
  const http: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      void verify(req.headers.authorization).then((ok) => {
        if (!ok) {
          state.refusedCount++;
          res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' }).end();
          return;
        }
        accepted.push(ok);
        const server = new McpServer({ name: 'guarded-upstream', version: '1.0.0' });
        server.registerTool('whoami', { description: 'Names the caller the upstream saw' }, () => ({
          content: [{ type: 'text', text: String(ok.claims.sub) }],
        }));
        const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
        res.on('close', () => void transport.close().then(() => server.close()));
        void server
          .connect(transport)
          .then(() => transport.handleRequest(req, res, raw ? JSON.parse(raw) : undefined))
          .catch(() => res.writeHead(500).end());
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  return {
    url,
    accepted,
    get refusedCount() {
      return state.refusedCount;
    },
    refuse: (token) => refused.add(token),
    stop: () => new Promise<void>((resolve) => http.close(() => resolve())),
  };
}

/**
 * Answers every POST with an SSE stream that carries one progress notification and then falls
 * silent, never ending: the upstream that stalls in the middle of an answer.
 */
export async function startStallingUpstream(): Promise<TestUpstream> {
  const http: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } })}\n\n`);
    });
  });
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
