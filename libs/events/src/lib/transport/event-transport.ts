import type { DeliveryResult, OutboxRow } from '../outbox/outbox.store';

/**
 * Where the relay sends outbox rows. `deliver` resolves with how many leading rows are
 * confirmed (never rejects for delivery failures), so the relay deletes exactly those.
 */
export interface EventTransport {
  readonly name: string;
  /** False while the transport knows it cannot deliver (e.g. broker connection down). */
  isReady(): boolean;
  deliver(rows: OutboxRow[]): Promise<DeliveryResult>;
  /** Calls back whenever the transport becomes ready again, so the relay retries at once. */
  onReady(listener: () => void): void;
  close(): Promise<void>;
}
