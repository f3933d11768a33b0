import { connect, createServer, type Server, type Socket } from 'node:net';

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

  const forward = (client: Socket) => {
    const upstream = connect(target.port, target.host);
    open.add(upstream);
    relay(client, upstream, latencyMs);
    relay(upstream, client, latencyMs);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.resume();
  };
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

function relay(from: Socket, to: Socket, latencyMs: number): void {
  if (latencyMs === 0) {
    from.pipe(to);
    return;
  }
  // Timers of equal delay fire in the order they were set, so chunks stay in order.
  from.on('data', (chunk) => void setTimeout(() => to.writable && to.write(chunk), latencyMs));
  from.on('end', () => void setTimeout(() => to.end(), latencyMs));
}
