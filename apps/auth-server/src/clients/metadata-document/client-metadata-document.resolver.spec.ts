import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { OAuthError } from '@portcullis/oauth';
import { ClientMetadataDocumentResolver, DEFAULT_METADATA_DOCUMENT_OPTIONS, MetadataDocumentOptions } from './client-metadata-document.resolver';

type Handler = (req: IncomingMessage, res: ServerResponse, url: string) => void;

describe('ClientMetadataDocumentResolver (against a local HTTP server)', () => {
  let server: Server;
  let origin: string;
  let handler: Handler;
  let hits: Map<string, number>;

  const options: MetadataDocumentOptions = {
    ...DEFAULT_METADATA_DOCUMENT_OPTIONS,
    allowHttp: true,
    allowedPrivateHosts: ['127.0.0.1'],
    timeoutMs: 500,
    maxBytes: 4096,
    cache: { minMs: 0, maxMs: 60_000, defaultMs: 30_000 },
    failureTtlMs: 200,
  };

  /** A document whose client_id is the URL it is served at. */
  function documentFor(path: string, over: Record<string, unknown> = {}) {
    return { client_id: `${origin}${path}`, client_name: 'Example MCP Client', redirect_uris: ['http://127.0.0.1:3000/callback'], ...over };
  }

  function serveJson(body: unknown, headers: Record<string, string> = {}): Handler {
    return (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
  }

  async function errorOf(promise: Promise<unknown>): Promise<{ error: string; description: string }> {
    try {
      await promise;
    } catch (err) {
      if (err instanceof OAuthError) return { error: err.error, description: err.description };
      throw err;
    }
    throw new Error('expected an OAuth error');
  }

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
      handler(req, res, req.url ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    hits = new Map();
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('turns a valid document into an untrusted public client that is not stored', async () => {
    handler = serveJson(documentFor('/good.json'));
    const client = await new ClientMetadataDocumentResolver(options).resolve(`${origin}/good.json`);
    expect(client).toMatchObject({
      clientId: `${origin}/good.json`,
      clientName: 'Example MCP Client',
      redirectUris: ['http://127.0.0.1:3000/callback'],
      tokenEndpointAuthMethod: 'none',
      grantTypes: ['authorization_code'],
      trusted: false,
      origin: 'metadata_document',
      secretHash: null,
    });
  });

  it('accepts private_key_jwt with a jwks_uri', async () => {
    handler = serveJson(documentFor('/pkjwt.json', { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${origin}/jwks` }));
    const client = await new ClientMetadataDocumentResolver(options).resolve(`${origin}/pkjwt.json`);
    expect(client.tokenEndpointAuthMethod).toBe('private_key_jwt');
  });

  it('refuses a document whose client_id is not its URL', async () => {
    handler = serveJson(documentFor('/other.json'));
    expect(await errorOf(new ClientMetadataDocumentResolver(options).resolve(`${origin}/mismatch.json`))).toEqual({
      error: 'invalid_client_metadata',
      description: 'client_id in the metadata document does not equal its URL',
    });
  });

  it.each([
    ['without client_name', { client_name: undefined }, /no client_name/],
    ['without redirect_uris', { redirect_uris: undefined }, /no redirect_uris/],
    ['with a shared-secret method', { token_endpoint_auth_method: 'client_secret_basic' }, /none or private_key_jwt/],
    ['with a client secret', { client_secret: 'abc' }, /must not contain a client secret/],
    ['asking for client_credentials', { grant_types: ['authorization_code', 'client_credentials'] }, /client_credentials/],
    ['asking for a privileged scope', { scope: 'audit:read' }, /privileged/],
    ['with an http redirect to a remote host', { redirect_uris: ['http://evil.example/cb'] }, /not loopback/],
  ])('refuses a document %s', async (_name, over, message) => {
    handler = serveJson(documentFor('/doc.json', over));
    const err = await errorOf(new ClientMetadataDocumentResolver(options).resolve(`${origin}/doc.json`));
    expect(['invalid_client_metadata', 'invalid_redirect_uri']).toContain(err.error);
    expect(err.description).toMatch(message);
  });

  it('refuses a document that is not JSON', async () => {
    handler = serveJson('{not json');
    expect((await errorOf(new ClientMetadataDocumentResolver(options).resolve(`${origin}/broken.json`))).error).toBe('invalid_client_metadata');
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html></html>');
    };
    expect(await errorOf(new ClientMetadataDocumentResolver(options).resolve(`${origin}/page.html`))).toMatchObject({
      error: 'invalid_client',
      description: expect.stringMatching(/application\/json/),
    });
  });

  it('refuses an oversized document', async () => {
    handler = serveJson(documentFor('/big.json', { padding: 'x'.repeat(5000) }));
    expect(await errorOf(new ClientMetadataDocumentResolver(options).resolve(`${origin}/big.json`))).toMatchObject({
      error: 'invalid_client',
      description: expect.stringMatching(/larger than 4096 bytes/),
    });
  });

  it('gives up on a slow server', async () => {
    handler = (_req, res) => {
      setTimeout(() => serveJson(documentFor('/slow.json'))(_req, res, ''), 2_000).unref();
    };
    expect(await errorOf(new ClientMetadataDocumentResolver(options).resolve(`${origin}/slow.json`))).toMatchObject({
      error: 'invalid_client',
      description: expect.stringMatching(/within 500 ms/),
    });
  });

  it('refuses loopback hosts unless the operator allowed them, and http unless allowed', async () => {
    handler = serveJson(documentFor('/good.json'));
    const strict = new ClientMetadataDocumentResolver({ ...options, allowedPrivateHosts: [] });
    expect(await errorOf(strict.resolve(`${origin}/good.json`))).toMatchObject({ error: 'invalid_client', description: expect.stringMatching(/loopback/) });
    const httpsOnly = new ClientMetadataDocumentResolver({ ...options, allowHttp: false });
    expect(await errorOf(httpsOnly.resolve(`${origin}/good.json`))).toMatchObject({ error: 'invalid_client', description: expect.stringMatching(/https/) });
    expect(hits.size).toBe(0);
  });

  it.each([
    ['no path', 'https://app.example', /must have a path/],
    ['only a slash', 'https://app.example/', /must have a path/],
    ['a fragment', 'https://app.example/c.json#x', /fragment/],
    ['userinfo', 'https://user:pw@app.example/c.json', /userinfo/],
    ['a dot segment', 'https://app.example/a/../c.json', /\. or \.\./],
    ['an encoded dot segment', 'https://app.example/a/%2e%2E/c.json', /\. or \.\./],
  ])('refuses a client_id URL with %s without fetching', async (_name, clientId, message) => {
    expect(await errorOf(new ClientMetadataDocumentResolver(options).resolve(clientId))).toMatchObject({
      error: 'invalid_client',
      description: expect.stringMatching(message),
    });
  });

  it('honours Cache-Control max-age', async () => {
    handler = serveJson(documentFor('/cached.json'), { 'cache-control': 'public, max-age=60' });
    const resolver = new ClientMetadataDocumentResolver(options);
    await resolver.resolve(`${origin}/cached.json`);
    await resolver.resolve(`${origin}/cached.json`);
    expect(hits.get('/cached.json')).toBe(1);
    // Once max-age has passed the document is fetched again.
    await resolver.resolve(`${origin}/cached.json`, Date.now() + 61_000);
    expect(hits.get('/cached.json')).toBe(2);
  });

  it('does not keep a no-store document beyond the configured minimum', async () => {
    handler = serveJson(documentFor('/nostore.json'), { 'cache-control': 'no-store' });
    const resolver = new ClientMetadataDocumentResolver(options);
    await resolver.resolve(`${origin}/nostore.json`);
    await resolver.resolve(`${origin}/nostore.json`);
    expect(hits.get('/nostore.json')).toBe(2);
    const floored = new ClientMetadataDocumentResolver({ ...options, cache: { ...options.cache, minMs: 60_000 } });
    await floored.resolve(`${origin}/nostore.json`);
    await floored.resolve(`${origin}/nostore.json`);
    expect(hits.get('/nostore.json')).toBe(3);
  });

  it('caps a long max-age at the configured maximum', async () => {
    handler = serveJson(documentFor('/long.json'), { 'cache-control': 'max-age=31536000' });
    const resolver = new ClientMetadataDocumentResolver(options);
    await resolver.resolve(`${origin}/long.json`);
    await resolver.resolve(`${origin}/long.json`, Date.now() + 61_000);
    expect(hits.get('/long.json')).toBe(2);
  });

  it('remembers a failure briefly, then tries again', async () => {
    handler = (_req, res) => {
      res.writeHead(404);
      res.end();
    };
    const resolver = new ClientMetadataDocumentResolver(options);
    expect((await errorOf(resolver.resolve(`${origin}/gone.json`))).description).toMatch(/HTTP 404/);
    expect((await errorOf(resolver.resolve(`${origin}/gone.json`))).description).toMatch(/HTTP 404/);
    expect(hits.get('/gone.json')).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    handler = serveJson(documentFor('/gone.json'));
    await expect(resolver.resolve(`${origin}/gone.json`)).resolves.toMatchObject({ clientName: 'Example MCP Client' });
    expect(hits.get('/gone.json')).toBe(2);
  });

  it('fetches once for concurrent requests', async () => {
    handler = serveJson(documentFor('/busy.json'));
    const resolver = new ClientMetadataDocumentResolver(options);
    await Promise.all([1, 2, 3, 4].map(() => resolver.resolve(`${origin}/busy.json`)));
    expect(hits.get('/busy.json')).toBe(1);
  });
});
