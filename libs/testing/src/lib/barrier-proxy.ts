import { createServer, type Server, type Socket } from 'node:net';
import { forwardTcp } from './tcp-forward';

export interface BarrierProxy {
  /** `host:port` to put in a connection URL instead of the real server's. */
  host: string;
  port: number;
  /** How many connections the barrier held back before it opened. */
  held(): number;
  close(): Promise<void>;
}

export interface BarrierProxyOptions {
  /** How long the barrier waits for all parties before it opens anyway. */
  timeoutMs?: number;
  /**
   * Delay added to every chunk, each way (order kept): a round trip then costs the same for
   * every process, so processes that met at the barrier stay in step, query for query.
   */
  latencyMs?: number;
}

/**
 * A TCP proxy that holds the first `parties` connections back until all of them have arrived
 * (or `timeoutMs` has passed), then lets them through at the same moment; later connections pass
 * at once. Put between several processes and one database, it makes their queries race for real
 * instead of by the chance of equal start-up times.
 */
export async function startBarrierProxy(
  target: { host: string; port: number },
  parties: number,
  { timeoutMs = 30_000, latencyMs = 0 }: BarrierProxyOptions = {},
): Promise<BarrierProxy> {
  const waiting: Socket[] = [];
  const open = new Set<Socket>();
  let opened = false;
  let held = 0;

  const forward = (client: Socket) => forwardTcp(client, target, open, { latencyMs });
  const release = () => {
    if (opened) return;
    opened = true;
    clearTimeout(timer);
    for (const client of waiting.splice(0)) forward(client);
  };
  const timer = setTimeout(release, timeoutMs);
  timer.unref();

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    if (opened) return forward(client);
    held++;
    waiting.push(client);
    if (waiting.length >= parties) release();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    held: () => held,
    close: () =>
      new Promise<void>((resolve) => {
        release();
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
