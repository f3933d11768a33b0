import Fastify from 'fastify';
import pino from 'pino';
import { Writable } from 'node:stream';
import { LogController } from 'fastify';
import { lazyChildLoggerFactory } from './lazy-child-logger';

/* request.log made lazily writes the same lines, with the same request id binding, as Fastify's own child. */

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

async function linesOf(lazy: boolean): Promise<Record<string, unknown>[]> {
  const { lines, stream } = capture();
  const app = Fastify({
    loggerInstance: pino({ level: 'info', base: undefined, timestamp: false }, stream),
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: () => 'req-1',
    ...(lazy ? { childLoggerFactory: lazyChildLoggerFactory } : {}),
  });
  app.get('/quiet', (_req, reply) => reply.send('ok'));
  app.get('/loud', { logLevel: 'warn' }, (req, reply) => {
    req.log.info('not at warn');
    req.log.warn({ detail: 1 }, 'at warn');
    req.log.child({ part: 'inner' }).error('from a child');
    reply.send('ok');
  });
  await app.inject({ url: '/quiet' });
  await app.inject({ url: '/loud' });
  await app.close();
  return lines;
}

describe('the lazily made request logger', () => {
  it('writes what Fastify’s own child logger writes: bindings, route log level, children', async () => {
    const [own, lazy] = await Promise.all([linesOf(false), linesOf(true)]);
    expect(own).toEqual([
      { level: 40, requestId: 'req-1', detail: 1, msg: 'at warn' },
      { level: 50, requestId: 'req-1', part: 'inner', msg: 'from a child' },
    ]);
    expect(lazy).toEqual(own);
  });
});
