import { Writable } from 'node:stream';
import { Body, Controller, Get, Logger, Module, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { InvalidGrant } from '@portcullis/oauth';
import { createHttpApp } from '../create-http-app';
import { createLogger } from './create-logger';
import { currentRequestId } from './request-context';

/** A log destination that keeps every line it is given. */
function memoryDestination(): Writable & { lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  return Object.assign(stream, { lines });
}

@Controller()
class ProbeController {
  private readonly logger = new Logger('probe');

  @Post('token')
  token(@Body() _body: unknown): never {
    throw new InvalidGrant('authorization code is invalid');
  }

  /** Answers with the request id it finds in its context after an await: proves the context reaches the handler. */
  @Post('echo')
  async echo(@Body() _body: unknown): Promise<{ requestId?: string }> {
    await new Promise((r) => setImmediate(r));
    this.logger.warn('handled');
    return { requestId: currentRequestId() };
  }

  @Get('fail')
  fail(): never {
    throw new TypeError('boom');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('request logging (one pino logger for Fastify and Nest)', () => {
  let app: NestFastifyApplication;
  const out = memoryDestination();
  const parsed = () => out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const requestLines = () => parsed().filter((l) => l['msg'] === 'request');

  beforeAll(async () => {
    app = await createHttpApp(ProbeModule, { requestLog: true, logger: createLogger({ logFormat: 'json', logLevel: 'info' }, out) });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());
  beforeEach(() => out.lines.splice(0));

  it('names the OAuth error code and the caller’s request id on the request line, never the query string or body', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/token?code=secret-code-in-query',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'req-bad-grant-1' },
      payload: 'grant_type=authorization_code&code=secret-code-in-body',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['x-request-id']).toBe('req-bad-grant-1');
    expect(requestLines()).toEqual([expect.objectContaining({ requestId: 'req-bad-grant-1', method: 'POST', path: '/token', status: 400, reason: 'invalid_grant', level: 'info' })]);
    expect(out.lines.join('\n')).not.toContain('secret-code');
  });

  it('writes every line as JSON with an ISO time and the level by name; lines written while handling carry the request id', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'x-request-id': 'req-echo-1' }, payload: '{"a":1}' });
    expect(res.json()).toEqual({ requestId: 'req-echo-1' });
    const handled = parsed().find((l) => l['msg'] === 'handled');
    expect(handled).toMatchObject({ level: 'warn', context: 'probe', requestId: 'req-echo-1' });
    expect(handled?.['time']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(requestLines()[0]).not.toHaveProperty('reason');
  });

  it('makes a request id when the given one is not acceptable', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'x-request-id': 'has spaces <b>' }, payload: '{}' });
    const id = res.json<{ requestId: string }>().requestId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestLines()[0]).toMatchObject({ requestId: id });
  });

  it('names a short reason for refusals Fastify makes, and server_error for a 500', async () => {
    await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: 'x'.repeat(70 * 1024) });
    await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: '{not json' });
    await app.inject({ method: 'GET', url: '/fail' });
    await app.inject({ method: 'GET', url: '/nowhere' });
    expect(requestLines().map((l) => [l['status'], l['reason']])).toEqual([
      [413, 'body_too_large'],
      [400, 'malformed_json'],
      [500, 'server_error'],
      [404, 'not_found'],
    ]);
  });
});

describe("requestContext: 'explicit' (the id on the request, no AsyncLocalStorage)", () => {
  let app: NestFastifyApplication;
  const out = memoryDestination();
  const parsed = () => out.lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  beforeAll(async () => {
    app = await createHttpApp(ProbeModule, { requestLog: true, requestContext: 'explicit', logger: createLogger({ logFormat: 'json', logLevel: 'info' }, out) });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());
  beforeEach(() => out.lines.splice(0));

  it('enters no request context: the handler finds no id there, yet the id is answered and on the request line', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json', 'x-request-id': 'req-explicit-echo' }, payload: '{}' });
    expect(res.json()).toEqual({});
    expect(res.headers['x-request-id']).toBe('req-explicit-echo');
    expect(parsed().find((l) => l['msg'] === 'request')).toMatchObject({ requestId: 'req-explicit-echo', status: 201 });
    // A line that does not name its request has no id here: the service hands it on itself.
    expect(parsed().find((l) => l['msg'] === 'handled')).not.toHaveProperty('requestId');
  });

  it('names the id on the error filter’s own lines: a refusal and a 500', async () => {
    await app.inject({ method: 'POST', url: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'req-explicit-refused' }, payload: 'grant_type=x' });
    await app.inject({ method: 'GET', url: '/fail', headers: { 'x-request-id': 'req-explicit-500' } });
    expect(parsed().find((l) => l['event'] === 'oauth_error')).toMatchObject({ requestId: 'req-explicit-refused', level: 'warn', error: 'invalid_grant' });
    expect(parsed().find((l) => l['level'] === 'error')).toMatchObject({ requestId: 'req-explicit-500', context: 'oauth', msg: expect.stringContaining('TypeError: boom') });
  });
});

describe('createLogger formats', () => {
  it('LOG_FORMAT=pretty writes one readable line, not JSON', () => {
    const out = memoryDestination();
    createLogger({ logFormat: 'pretty', logLevel: 'info' }, out).info({ context: 'oauth', requestId: 'r-1' }, 'token issued');
    expect(out.lines).toHaveLength(1);
    expect(() => JSON.parse(out.lines[0])).toThrow();
    expect(out.lines[0]).toMatch(/^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO.*\[oauth\] token issued.*r-1/);
  });

  it('LOG_FORMAT=json writes one object a line', () => {
    const out = memoryDestination();
    createLogger({ logFormat: 'json', logLevel: 'info' }, out).info({ context: 'oauth' }, 'token issued');
    expect(JSON.parse(out.lines[0])).toMatchObject({ level: 'info', context: 'oauth', msg: 'token issued' });
  });

  it('LOG_LEVEL drops the lines below it', () => {
    const out = memoryDestination();
    const logger = createLogger({ logFormat: 'json', logLevel: 'warn' }, out);
    logger.info('quiet');
    logger.warn('loud');
    expect(out.lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });
});
