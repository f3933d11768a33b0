import { createServer, type Server, type Socket } from 'node:net';
import { forwardTcp } from './tcp-forward';
import type { AddressInfo } from 'node:net';

export interface CuttableTcpProxy {
  /** The loopback port to connect to instead of the target. */
  port: number;
  /** Rewrites a URL (e.g. a DATABASE_URL) to reach the target through this proxy. */
  route(url: string): string;
  /**
   * Simulates the dependency going away: every open connection is dropped, and until
   * `restore()` every new one is closed as soon as it arrives (like a stopped server).
   */
  cut(): void;
  restore(): void;
  readonly isCut: boolean;
  /** How many connections were accepted (and forwarded or dropped) so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/**
 * A TCP proxy for outage tests: forwards bytes unchanged between a loopback port and a
 * target (PostgreSQL, RabbitMQ, …), and can be cut and restored. It never touches the
 * target itself, so a shared server stays up for everyone else.
 */
export async function startCuttableTcpProxy(target: { host: string; port: number }): Promise<CuttableTcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let accepted = 0;

  const server: Server = createServer((client) => {
    accepted++;
    if (isCut) {
      client.destroy();
      return;
    }
    forwardTcp(client, target, open);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    port,
    route(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      isCut = true;
      for (const socket of [...open]) socket.destroy();
      open.clear();
    },
    restore() {
      isCut = false;
    },
    get isCut() {
      return isCut;
    },
    get accepted() {
      return accepted;
    },
    close() {
      isCut = true;
      for (const socket of open) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
