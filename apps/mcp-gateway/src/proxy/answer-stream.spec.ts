import { freePort } from '@portcullis/testing';
import { createServer, request, type Server, type ServerResponse } from 'node:http';
import { PassThrough, Readable, Transform } from 'node:stream';
import { copyAnswer, readAnswer, requestIds, type StreamEnd } from './answer-stream';

/*
 * copyAnswer between a source the test writes to and a real HTTP response read by a real HTTP
 * client: how the copy ends, and that a slow reader is not taken for a silent upstream.
 */

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function served(run: (res: ServerResponse) => Promise<void>): Promise<{ port: number; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    void run(res);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, server };
}

describe('copying an upstream answer to the client', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('ends as idle when the source falls silent, and aborts the upstream', async () => {
    const source = new PassThrough();
    let aborted = false;
    let end: StreamEnd | undefined;
    ({ server } = await served(async (res) => {
      end = await copyAnswer(source, res, {
        idleTimeoutMs: 200,
        abortUpstream: () => {
          aborted = true;
          source.destroy(new Error('aborted'));
        },
      });
      res.end();
    }));
    source.write('first ');
    const text = await new Promise<string>((resolve) => {
      request(`http://127.0.0.1:${(server?.address() as { port: number }).port}/`, (res) => {
        let body = '';
        res.on('data', (d) => (body += d)).on('end', () => resolve(body));
      }).end();
    });
    expect(text).toBe('first ');
    expect(end).toBe('idle');
    expect(aborted).toBe(true);
  });

  it('copies a whole answer, however long, while bytes keep coming', async () => {
    let end: StreamEnd | undefined;
    const source = Readable.from(
      (async function* () {
        for (let i = 0; i < 5; i++) {
          await tick(100);
          yield Buffer.from(`${i}`);
        }
      })(),
    );
    ({ server } = await served(async (res) => {
      end = await copyAnswer(source, res, { idleTimeoutMs: 250, abortUpstream: () => undefined });
      res.end();
    }));
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    expect(await res.text()).toBe('01234');
    expect(end).toBe('complete');
  });

  it('does not count the time a slow client takes to read as the upstream being silent', async () => {
    // 4 MiB at once: more than the socket buffers, so the copy waits for the client to drain.
    const big = Buffer.alloc(4 * 1024 * 1024, 'x');
    let end: StreamEnd | undefined;
    let aborted = false;
    ({ server } = await served(async (res) => {
      end = await copyAnswer(Readable.from([big]), res, { idleTimeoutMs: 150, abortUpstream: () => (aborted = true) });
      res.end();
    }));
    const received = await new Promise<number>((resolve) => {
      request(`http://127.0.0.1:${(server?.address() as { port: number }).port}/`, (res) => {
        let size = 0;
        res.pause();
        // The client reads nothing for longer than the idle timeout, then everything.
        setTimeout(() => res.on('data', (d: Buffer) => (size += d.length)).on('end', () => resolve(size)) && res.resume(), 600);
      }).end();
    });
    expect(received).toBe(big.length);
    expect(aborted).toBe(false);
    expect(end).toBe('complete');
  });
  it('ends as broken, and destroys the upstream body, when the tap fails (an answer too large, a record not committed)', async () => {
    const source = new PassThrough();
    const tap = new Transform({ transform: (_chunk, _enc, done) => done(new Error('too large')) });
    let end: StreamEnd | undefined;
    ({ server } = await served(async (res) => {
      end = await copyAnswer(source, res, { tap, idleTimeoutMs: 5000, abortUpstream: () => undefined });
      res.end();
    }));
    source.write('anything');
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    expect(await res.text()).toBe('');
    expect(end).toBe('broken');
    expect(source.destroyed).toBe(true);
  });

  it('ends as broken when the upstream body closes before its end without an error', async () => {
    const source = new PassThrough();
    let end: StreamEnd | undefined;
    ({ server } = await served(async (res) => {
      end = await copyAnswer(source, res, { abortUpstream: () => undefined });
      res.end();
    }));
    source.write('half ');
    setTimeout(() => source.destroy(), 100);
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    expect(await res.text()).toBe('half ');
    expect(end).toBe('broken');
  });

  it('passes what the tap makes of the answer, and completes once the tap has flushed', async () => {
    const source = Readable.from([Buffer.from('a'), Buffer.from('b')]);
    const tap = new Transform({
      transform: (chunk: Buffer, _enc, done) => done(null, chunk.toString().toUpperCase()),
      flush: (done) => setTimeout(() => done(null, '!'), 50),
    });
    let end: StreamEnd | undefined;
    ({ server } = await served(async (res) => {
      end = await copyAnswer(source, res, { tap, idleTimeoutMs: 1000, abortUpstream: () => undefined });
      res.end();
    }));
    const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    expect(await res.text()).toBe('AB!');
    expect(end).toBe('complete');
  });
});

describe('reading an upstream answer whole', () => {
  it('returns every byte once the body ends, as one buffer', async () => {
    const answer = await readAnswer(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]), { maxBytes: 100, abortUpstream: () => undefined });
    expect(answer.end).toBe('complete');
    expect(answer.end === 'complete' && answer.body.toString()).toBe('{"a":1}');
  });

  it('ends as broken, and destroys the body, past maxBytes or when the body closes before its end', async () => {
    const big = new PassThrough();
    const reading = readAnswer(big, { maxBytes: 4, abortUpstream: () => undefined });
    big.write('12345');
    expect((await reading).end).toBe('broken');
    expect(big.destroyed).toBe(true);
    const cut = new PassThrough();
    const cutReading = readAnswer(cut, { maxBytes: 100, abortUpstream: () => undefined });
    cut.write('half');
    setTimeout(() => cut.destroy(), 20);
    expect((await cutReading).end).toBe('broken');
  });

  it('ends as idle when the upstream falls silent, and aborts the upstream', async () => {
    const source = new PassThrough();
    let aborted = false;
    const reading = readAnswer(source, {
      maxBytes: 100,
      idleTimeoutMs: 80,
      abortUpstream: () => {
        aborted = true;
        source.destroy();
      },
    });
    source.write('{');
    await tick(40);
    source.write('"a"');
    expect((await reading).end).toBe('idle');
    expect(aborted).toBe(true);
  });
});

describe('the requests a POST body owes answers to', () => {
  it('are its messages with a method and an id (not notifications, not responses)', () => {
    expect(requestIds({ jsonrpc: '2.0', id: 1, method: 'tools/call' })).toEqual([1]);
    expect(
      requestIds([
        { jsonrpc: '2.0', id: 'a', method: 'tools/list' },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, result: {} },
        { jsonrpc: '2.0', id: null, method: 'x' },
      ]),
    ).toEqual(['a']);
  });
});
