import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startCuttableTcpProxy, CuttableTcpProxy } from './cuttable-tcp-proxy';

/** An echo server standing in for a dependency. */
async function echoServer(): Promise<Server> {
  const server = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** Sends a line and resolves with what came back, or with 'closed' when the connection dies. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(text));
    let got = '';
    socket.on('data', (d) => {
      got += d;
      if (got.length >= text.length) {
        socket.end();
        resolve(got);
      }
    });
    socket.on('error', () => resolve('closed'));
    socket.on('close', () => resolve(got.length >= text.length ? got : 'closed'));
  });
}

describe('startCuttableTcpProxy', () => {
  let target: Server;
  let proxy: CuttableTcpProxy;

  beforeEach(async () => {
    target = await echoServer();
    proxy = await startCuttableTcpProxy({ host: '127.0.0.1', port: (target.address() as AddressInfo).port });
  });
  afterEach(async () => {
    await proxy.close();
    await new Promise((r) => target.close(r));
  });

  it('forwards bytes both ways', async () => {
    expect(await roundTrip(proxy.port, 'hello')).toBe('hello');
  });

  it('drops open connections when cut, refuses new ones until restored, then forwards again', async () => {
    const held = connect(proxy.port, '127.0.0.1');
    await new Promise((r) => held.once('connect', r));
    const closed = new Promise((r) => held.once('close', r));
    proxy.cut();
    await closed;
    expect(proxy.isCut).toBe(true);
    expect(await roundTrip(proxy.port, 'during')).toBe('closed');
    proxy.restore();
    expect(await roundTrip(proxy.port, 'after')).toBe('after');
  });

  it('routes a URL through itself, keeping everything but host and port', () => {
    expect(proxy.route('postgres://postgres@127.0.0.1:5432/db_1?x=1')).toBe(`postgres://postgres@127.0.0.1:${proxy.port}/db_1?x=1`);
  });
});
