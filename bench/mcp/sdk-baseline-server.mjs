// The comparison point: a minimal MCP server built the way the MCP SDK's own examples build a
// stateless, OAuth-protected server — Express, the SDK's requireBearerAuth middleware with a
// jose verifier (every request verified), and a new McpServer + StreamableHTTPServerTransport
// per request. Same tool (the mcp-server's scorer), same tokens.
//   node bench/mcp/sdk-baseline-server.mjs <port> <issuer> <resource>
import express from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { z } from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { loadScorer } from './sentiment-scorer.mjs';

const [port, issuer, resource] = process.argv.slice(2);
const scoreSentiment = loadScorer();
const jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));

const verifier = {
  async verifyAccessToken(token) {
    const { payload } = await jwtVerify(token, jwks, { issuer, audience: resource, algorithms: ['EdDSA'], typ: 'at+jwt' });
    return { token, clientId: payload.client_id, scopes: String(payload.scope ?? '').split(' ').filter(Boolean), expiresAt: payload.exp };
  },
};

function buildServer() {
  const server = new McpServer({ name: 'baseline', version: '1.0.0' });
  server.registerTool(
    'analyze_sentiment',
    { description: 'Scores financial text.', inputSchema: { text: z.string().min(1).max(20_000) } },
    async ({ text }) => {
      const result = scoreSentiment(text);
      return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
    },
  );
  return server;
}

const app = express();
app.use(express.json());
app.post(
  '/mcp',
  requireBearerAuth({ verifier, requiredScopes: ['sentiment:analyze'], resourceMetadataUrl: `${new URL(resource).origin}/.well-known/oauth-protected-resource/mcp` }),
  async (req, res) => {
    const server = buildServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  },
);
app.get('/health/live', (_req, res) => res.json({ status: 'ok' }));
app.listen(Number(port), '127.0.0.1');
