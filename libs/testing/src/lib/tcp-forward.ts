import { connect, type Socket } from 'node:net';

export interface ForwardOptions {
  /**
   * Delay added to every chunk, each way (order kept), to make a loopback round trip cost
   * what a network's would.
   */
  latencyMs?: number;
}

/**
 * Connects `client` to `target` and relays bytes both ways until either side closes or fails;
 * then both are destroyed. Both sockets are kept in `open` while they live, so a test proxy can
 * drop everything at once. The one forwarding step of the test proxies in this library.
 */
export function forwardTcp(client: Socket, target: { host: string; port: number }, open: Set<Socket>, { latencyMs = 0 }: ForwardOptions = {}): void {
  const upstream = connect(target.port, target.host);
  open.add(client);
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
