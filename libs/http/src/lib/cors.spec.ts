import cors from '@fastify/cors';
import Fastify, { type FastifyInstance } from 'fastify';
import { type CorsPolicy, registerCors } from './cors';

/*
 * registerCors took the place of @fastify/cors with a per-path delegator: every answer here must
 * be the one @fastify/cors gave for the same policies (status, body, and every CORS and Vary
 * header), on CORS paths, on the limited-origin path and on paths with no CORS at all.
 */

const browser: CorsPolicy = {
  origins: '*',
  methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
  allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Mcp-Session-Id'],
  exposedHeaders: ['WWW-Authenticate', 'Mcp-Session-Id', 'X-Request-Id'],
  maxAgeSeconds: 600,
};
const limited: CorsPolicy = { ...browser, origins: ['https://console.example'] };
const policyFor = (url: string) => (url.startsWith('/internal/') ? undefined : url.startsWith('/audit/') ? limited : browser);

function routes(app: FastifyInstance): FastifyInstance {
  app.get('/mcp', (_req, reply) => reply.send({ ok: true }));
  app.post('/mcp', (_req, reply) => reply.header('vary', 'Accept').code(401).send({ error: 'invalid_token' }));
  app.get('/audit/events', (_req, reply) => reply.send([]));
  app.get('/internal/events', (_req, reply) => reply.send([]));
  return app;
}

async function withFastifyCors(): Promise<FastifyInstance> {
  const app = Fastify();
  const legacy = (p: CorsPolicy) => ({
    origin: p.origins === '*' ? '*' : [...p.origins],
    methods: [...p.methods],
    allowedHeaders: [...p.allowedHeaders],
    exposedHeaders: [...p.exposedHeaders],
    maxAge: p.maxAgeSeconds,
  });
  await app.register(cors, {
    delegator: (request, callback) => {
      const policy = policyFor(request.url);
      callback(null, policy ? legacy(policy) : { origin: false });
    },
  });
  return routes(app);
}

async function withRegisterCors(): Promise<FastifyInstance> {
  const app = Fastify();
  registerCors(app, policyFor);
  return routes(app);
}

const REQUESTS: { method: 'GET' | 'POST' | 'OPTIONS'; url: string; headers?: Record<string, string> }[] = [
  { method: 'GET', url: '/mcp' },
  { method: 'GET', url: '/mcp', headers: { origin: 'https://app.example' } },
  { method: 'POST', url: '/mcp', headers: { origin: 'https://app.example' } },
  { method: 'OPTIONS', url: '/mcp', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } },
  { method: 'OPTIONS', url: '/mcp', headers: { origin: 'https://app.example' } },
  { method: 'OPTIONS', url: '/mcp' },
  { method: 'GET', url: '/audit/events', headers: { origin: 'https://console.example' } },
  { method: 'GET', url: '/audit/events', headers: { origin: 'https://evil.example' } },
  { method: 'OPTIONS', url: '/audit/events', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } },
  { method: 'OPTIONS', url: '/audit/events', headers: { origin: 'https://console.example', 'access-control-request-method': 'GET' } },
  { method: 'GET', url: '/internal/events', headers: { origin: 'https://app.example' } },
  { method: 'OPTIONS', url: '/internal/events', headers: { origin: 'https://app.example', 'access-control-request-method': 'GET' } },
  { method: 'GET', url: '/nowhere', headers: { origin: 'https://app.example' } },
];

const seen = (headers: Record<string, unknown>) => Object.fromEntries(Object.entries(headers).filter(([name]) => name.startsWith('access-control-') || name === 'vary' || name === 'content-length'));

describe('CORS', () => {
  let before: FastifyInstance;
  let after: FastifyInstance;
  beforeAll(async () => {
    [before, after] = await Promise.all([withFastifyCors(), withRegisterCors()]);
  });
  afterAll(async () => {
    await Promise.all([before.close(), after.close()]);
  });

  it.each(REQUESTS.map((r) => [`${r.method} ${r.url} ${JSON.stringify(r.headers ?? {})}`, r] as const))('answers %s as @fastify/cors did', async (_name, request) => {
    const [a, b] = await Promise.all([before.inject(request), after.inject(request)]);
    expect({ status: b.statusCode, body: b.body, headers: seen(b.headers) }).toEqual({ status: a.statusCode, body: a.body, headers: seen(a.headers) });
  });

  it('answers a preflight with the policy, and echoes only a listed origin', async () => {
    const preflight = await after.inject({ method: 'OPTIONS', url: '/audit/events', headers: { origin: 'https://console.example', 'access-control-request-method': 'GET' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://console.example');
    expect(preflight.headers['access-control-max-age']).toBe('600');
    const other = await after.inject({ method: 'GET', url: '/audit/events', headers: { origin: 'https://evil.example' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['vary']).toBe('Origin');
  });
});
