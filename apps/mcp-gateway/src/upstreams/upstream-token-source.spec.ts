import { freePort } from '@portcullis/testing';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { UpstreamTokenSource, UpstreamTokenUnavailable } from './upstream-token-source';

/*
 * Against a small token endpoint over real HTTP (the end-to-end path with the real
 * authorization server is in black-box/upstream-credentials.spec.ts): how many token requests
 * the gateway makes, and what it says when one fails.
 */

const SECRET = 'gateway-secret-5b2d';

interface TokenEndpoint {
  url: string;
  requests: { authorization?: string; body: URLSearchParams }[];
  /** What the next answers are: a token with this lifetime, or an OAuth error. */
  answer: { expiresIn?: number; error?: string; delayMs?: number };
  close(): Promise<void>;
}

async function tokenEndpoint(): Promise<TokenEndpoint> {
  let issued = 0;
  const endpoint = { requests: [], answer: {} } as unknown as TokenEndpoint;
  const server: Server = createServer((req: IncomingMessage, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      endpoint.requests.push({ authorization: req.headers.authorization, body: new URLSearchParams(raw) });
      const { expiresIn, error, delayMs = 0 } = endpoint.answer;
      setTimeout(() => {
        if (error) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error, error_description: 'no' }));
          return;
        }
        const body: Record<string, unknown> = { access_token: `token-${++issued}`, token_type: 'Bearer' };
        if (expiresIn !== undefined) body['expires_in'] = expiresIn;
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
      }, delayMs);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${port}/token`;
  endpoint.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return endpoint;
}

describe('the gateway token for an upstream (client_credentials)', () => {
  let endpoint: TokenEndpoint;
  beforeEach(async () => {
    endpoint = await tokenEndpoint();
  });
  afterEach(() => endpoint.close());

  const source = (extra: Record<string, unknown> = {}) =>
    new UpstreamTokenSource(
      'files',
      { type: 'client_credentials', tokenEndpoint: endpoint.url, clientId: 'gw', clientSecretFromEnv: 'X', tokenEndpointAuthMethod: 'client_secret_basic', ...extra },
      SECRET,
      2_000,
    );

  it('asks once for concurrent requests, with scope and resource, and keeps the token while it is fresh', async () => {
    endpoint.answer = { expiresIn: 3600, delayMs: 100 };
    const tokens = source({ scope: ['files:read', 'files:write'], resource: 'http://files/mcp' });
    const got = await Promise.all(Array.from({ length: 10 }, () => tokens.get()));
    expect(new Set(got)).toEqual(new Set(['token-1']));
    expect(await tokens.get()).toBe('token-1');
    expect(endpoint.requests).toHaveLength(1);
    const [request] = endpoint.requests;
    expect(request.body.get('grant_type')).toBe('client_credentials');
    expect(request.body.get('scope')).toBe('files:read files:write');
    expect(request.body.get('resource')).toBe('http://files/mcp');
    // RFC 6749 §2.3.1: id and secret form-encoded, then HTTP Basic.
    const basic = Buffer.from((request.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    expect(basic.split(':').map(decodeURIComponent)).toEqual(['gw', SECRET]);
  });

  it('renews a token shortly before it expires', async () => {
    // 1 s of life: renewed at 90 % of it, before the edge.
    endpoint.answer = { expiresIn: 1 };
    const tokens = source();
    expect(await tokens.get()).toBe('token-1');
    await new Promise((r) => setTimeout(r, 950));
    expect(await tokens.get()).toBe('token-2');
  });

  it('renews once for a refused token, and not again for a request that still held the old one', async () => {
    endpoint.answer = { expiresIn: 3600 };
    const tokens = source();
    const first = await tokens.get();
    const [a, b] = await Promise.all([tokens.renew(first), tokens.renew(first)]);
    expect([a, b]).toEqual(['token-2', 'token-2']);
    expect(await tokens.renew(first)).toBe('token-2');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('fails with the OAuth error code, never the secret, and tries again on the next request', async () => {
    endpoint.answer = { error: 'invalid_client' };
    const tokens = source({ tokenEndpointAuthMethod: 'client_secret_post' });
    const failure = await tokens.get().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UpstreamTokenUnavailable);
    expect((failure as Error).message).toBe('upstream files: token request at its authorization server failed: invalid_client (400)');
    expect(endpoint.requests[0].body.get('client_secret')).toBe(SECRET);
    endpoint.answer = { expiresIn: 60 };
    expect(await tokens.get()).toBe('token-1');
  });

  it('names an authorization server that does not answer in time, or whose discovery fails', async () => {
    endpoint.answer = { expiresIn: 60, delayMs: 3_000 };
    await expect(source().get()).rejects.toThrow('upstream files: token request at its authorization server failed: no answer within 2000 ms');
    const discovering = new UpstreamTokenSource(
      'files',
      { type: 'client_credentials', issuer: `http://127.0.0.1:${await freePort()}`, clientId: 'gw', clientSecretFromEnv: 'X', tokenEndpointAuthMethod: 'client_secret_basic' },
      SECRET,
      2_000,
    );
    await expect(discovering.get()).rejects.toThrow('upstream files: discovery (RFC 8414) at its authorization server failed: unreachable');
  }, 10_000);
});
