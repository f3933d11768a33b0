import { OutboxStore } from '../outbox/outbox.store';
import type { EventTransport } from '../transport/event-transport';
import { outboxPublished, outboxRelayFailures } from '../metrics/event-metrics';

export interface OutboxRelayOptions {
  /** Rows per round. */
  batchSize?: number;
  /**
   * Least time between the starts of two rounds while events keep coming (default 20 ms). An
   * idle relay woken starts at once, so a lone event (a revocation) goes out without delay;
   * under load each round (a SELECT, a delivery, a DELETE) carries what arrived meanwhile
   * instead of a handful of events each.
   */
  lingerMs?: number;
  /** Safety-net poll while idle, for rows committed by another process or a missed wake. */
  pollIntervalMs?: number;
  /** First retry delay after a failed delivery; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /** Called with a short description when delivery fails (never with event content). */
  onError?: (message: string) => void;
}

/**
 * Drains the outbox to a transport, in order, off the request path: `wake()` only sets a flag
 * and schedules a round. Delivery failures back off exponentially; rows stay in the table until
 * confirmed, so a restart resumes where the last process stopped.
 */
export class OutboxRelay {
  private readonly batchSize: number;
  private readonly lingerMs: number;
  private lastRoundAt = -Infinity;
  private timerDueAt = 0;
  private readonly pollIntervalMs: number;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private running = false;
  private draining: Promise<void> | undefined;
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private delivered = 0;
  private lastError: string | undefined;

  constructor(
    private readonly store: OutboxStore,
    private readonly transport: EventTransport,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.lingerMs = options.lingerMs ?? 20;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.retryMs = options.retryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 5000;
    // The broker came back: retry now rather than at the end of the back-off.
    transport.onReady(() => {
      if (this.running && !this.draining) this.schedule(0);
      else this.pending = true;
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.wake();
  }

  /** Asks for a round soon. Cheap and synchronous: safe to call on every record. */
  wake(): void {
    if (!this.running) return;
    this.pending = true;
    if (this.draining) return;
    if (this.failures > 0 && this.timer) return; // backing off: the retry timer will run it
    const delay = this.lingerDelay();
    if (this.timer && this.timerDueAt <= Date.now() + delay) return; // due soon enough already
    this.schedule(delay);
  }

  /** Number of events confirmed since start, and the last delivery error (for readiness). */
  stats(): { delivered: number; failures: number; lastError?: string } {
    return { delivered: this.delivered, failures: this.failures, lastError: this.lastError };
  }

  /** Resolves once the outbox is empty (or rejects after timeoutMs). For tests and shutdown. */
  async flush(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await this.store.isEmpty()) return;
      if (Date.now() > deadline) throw new Error('outbox not drained in time');
      this.wake();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.draining;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRoundAt = Date.now();
      this.draining = this.run().finally(() => (this.draining = undefined));
    }, delayMs);
    this.timer.unref?.();
  }

  private async run(): Promise<void> {
    let nextDelay = this.pollIntervalMs;
    try {
      for (;;) {
        this.pending = false;
        if (!this.running) return;
        if (!this.transport.isReady()) throw new Error(`${this.transport.name} not ready`);
        const round = await this.store.drain(this.batchSize, (rows) => this.transport.deliver(rows));
        this.delivered += round.delivered;
        if (round.delivered > 0) outboxPublished.inc(round.delivered);
        if (round.error !== undefined) throw round.error;
        if (!round.locked) break; // another replica is draining this database
        // A full batch means a backlog: go on at once. Otherwise what was recorded during
        // this round waits for the linger (scheduled below), to travel together.
        if (round.fetched < this.batchSize) break;
      }
      this.failures = 0;
      this.lastError = undefined;
    } catch (err) {
      this.failures += 1;
      outboxRelayFailures.inc();
      this.lastError = err instanceof Error ? err.message : String(err);
      if (this.failures === 1 || this.failures % 20 === 0) this.options.onError?.(`event relay: ${this.lastError} (attempt ${this.failures})`);
      nextDelay = Math.min(this.retryMs * 2 ** (this.failures - 1), this.maxRetryMs);
    }
    if (this.running) this.schedule(this.pending && this.failures === 0 ? this.lingerDelay() : nextDelay);
  }

  /** Time until the next round may start: none when the last one began a linger ago. */
  private lingerDelay(): number {
    return Math.max(0, this.lastRoundAt + this.lingerMs - Date.now());
  }
}
