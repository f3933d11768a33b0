import type { PurgeCounts, Purger } from './purger';

export interface PurgeScheduleOptions {
  /** Seconds between rounds; 0 turns purging off. */
  intervalSeconds: number;
  /** Told what each round deleted (counts only) and why a round failed. */
  log: { log(message: string): void; warn(message: string): void };
}

/**
 * Runs a Purger every interval, one round at a time (a slow round delays the next rather than
 * overlapping it). The timer never keeps the process alive; a failed round (the database away)
 * is logged and the next one tries again.
 */
export class PurgeSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly purger: Purger,
    private readonly options: PurgeScheduleOptions,
  ) {}

  start(): void {
    if (this.options.intervalSeconds <= 0 || this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        this.running = undefined;
        this.start();
      });
    }, this.options.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops scheduling and waits for a round in flight (so the data source can close after). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async round(): Promise<void> {
    try {
      const counts = await this.purger.purge();
      // A round that deleted nothing (or ran on another replica) says nothing.
      if (counts && Object.keys(counts).length > 0) this.options.log.log(describePurge(counts));
    } catch (err) {
      this.options.log.warn(`purge failed, next round in ${this.options.intervalSeconds} s: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** One log line, counts only: `purged 120 access_tokens, 4 grants`. */
export function describePurge(counts: PurgeCounts): string {
  return `purged ${Object.entries(counts).map(([name, n]) => `${n} ${name}`).join(', ')}`;
}
