import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import { setRefusalReason } from './refusal-log';

/** A connection that carried no request for this long is closed: no balancer is still using it. */
const QUIET_MS = 1_000;
const POLL_MS = 50;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A service's SHUTDOWN_DELAY_MS and SHUTDOWN_DRAIN_TIMEOUT_MS. */
export interface GracefulDrainOptions {
  shutdownDelayMs: number;
  shutdownDrainTimeoutMs: number;
}

/** Injection token of the GracefulDrainOptions; provide it beside GracefulDrain. */
export const GRACEFUL_DRAIN_OPTIONS = Symbol('GRACEFUL_DRAIN_OPTIONS');

/**
 * How a replica leaves a load-balanced pool without failing or stalling a client (a rolling
 * restart, a scale-down). On SIGTERM Nest runs this before it closes the HTTP server:
 *
 * 1. Readiness fails (`/health/ready` → 503); requests are served as before, keep-alive
 *    included, so a balancer that has not noticed yet loses nothing and opens few new
 *    connections. This lasts SHUTDOWN_DELAY_MS, the time a balancer takes to act on readiness.
 * 2. The listener closes: a new connection is refused at once, which a balancer retries on
 *    another replica safely (the request was never sent; HAProxy `retry-on conn-failure`).
 *    From now on every response says `Connection: close`, so each open connection is closed by
 *    its client after its current exchange, never by us in the middle of one.
 * 3. In-flight requests finish. Connections that stay idle for QUIET_MS are closed (the balancer
 *    has stopped choosing this replica), and everything is done within SHUTDOWN_DRAIN_TIMEOUT_MS.
 *
 * Fastify's own close would instead answer 503 to requests arriving on open connections (a POST
 * the balancer must not retry) and drop idle connections at once, racing a request being sent on them.
 */
@Injectable()
export class GracefulDrain implements BeforeApplicationShutdown {
  private readonly logger = new Logger('shutdown');
  private server?: Server;
  private draining = false;
  private closing = false;
  private inFlight = 0;
  private lastRequestAt = 0;

  constructor(@Inject(GRACEFUL_DRAIN_OPTIONS) private readonly config: GracefulDrainOptions) {}

  /** Hooks into the application's Fastify instance (before it listens). */
  attach(fastify: FastifyInstance): void {
    this.server = fastify.server;
    this.server.on('request', (_req, res) => {
      this.inFlight++;
      this.lastRequestAt = Date.now();
      res.once('close', () => this.inFlight--);
    });
    fastify.addHook('onRequest', async (request, reply) => {
      if (this.draining && request.method === 'GET' && request.url.split('?')[0] === '/health/ready') {
        setRefusalReason(request, 'draining');
        return reply.code(503).header('cache-control', 'no-store').send({ status: 'draining' });
      }
      return undefined;
    });
    fastify.addHook('onSend', async (_request, reply) => {
      if (this.closing) reply.header('connection', 'close');
    });
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /** `signal` is set when a signal (SIGTERM) stops the process; `app.close()` in a test drains nothing. */
  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const server = this.server;
    if (!signal || !server?.listening || this.draining) return;
    this.draining = true;
    const deadline = Date.now() + this.config.shutdownDrainTimeoutMs;
    this.logger.log(`${signal}: draining; not ready, closing the listener in ${this.config.shutdownDelayMs} ms`);
    await sleep(this.config.shutdownDelayMs);

    // net.Server's close stops accepting and leaves open connections alone (http.Server's own
    // close also drops the idle ones at once, racing a request a balancer is sending on them).
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    this.closing = true;
    while (Date.now() < deadline && (this.inFlight > 0 || Date.now() - this.lastRequestAt < QUIET_MS)) await sleep(POLL_MS);
    server.closeIdleConnections();
    const finished = await Promise.race([closed.then(() => true), sleep(Math.max(0, deadline - Date.now())).then(() => false)]);
    if (!finished) {
      this.logger.warn(`drain timeout: closing ${this.inFlight} unfinished requests`);
      server.closeAllConnections();
    } else {
      this.logger.log('drained: every connection closed');
    }
  }
}
