import { connect, AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import { CLOUDEVENTS_CONTENT_TYPE, EVENTS_EXCHANGE, EVENTS_EXCHANGE_OPTIONS, EVENTS_EXCHANGE_TYPE } from '@portcullis/contracts';
import type { DeliveryResult, OutboxRow } from '../outbox/outbox.store';
import type { EventTransport } from './event-transport';

export interface AmqpTransportOptions {
  url: string;
  /** Set as the AMQP `app-id` property. */
  appId?: string;
  /** A publish not confirmed within this time counts as failed (the row stays). */
  confirmTimeoutMs?: number;
  heartbeatSeconds?: number;
}

/**
 * Publishes to the `portcullis.events` topic exchange on a confirm channel: a row counts as
 * delivered only when the broker has acknowledged it (publisher confirms), so a broker crash
 * between publish and confirm means the row is sent again, never lost.
 *
 * amqp-connection-manager keeps the connection: reconnects, heartbeats, and the channel set up
 * again (exchange asserted) after each. The relay's publishes go straight to the amqplib
 * confirm channel it set up last, with a callback each, not through the wrapper's own queue:
 * that queue gave every message a promise, a timer and a record it found again by a linear
 * search on confirm (micro-bench, 500-message rounds: 30–41 → 23–25 ms of publisher CPU per
 * 1,000 confirmed messages), and the relay needs none of what it adds — it publishes only
 * while the channel is up, and a round that fails is sent again from the outbox.
 */
export class AmqpTransport implements EventTransport {
  readonly name = 'amqp';
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private channelUp = false;
  /** The confirm channel of the current connection, set up by the wrapper. */
  private confirmChannel: ConfirmChannel | undefined;
  private readonly readyListeners: (() => void)[] = [];

  constructor(private readonly options: AmqpTransportOptions) {
    this.connection = connect([options.url], {
      heartbeatIntervalInSeconds: options.heartbeatSeconds ?? 10,
      reconnectTimeInSeconds: 1,
    });
    // The manager logs nothing by itself; without a listener an 'error' event would crash the process.
    this.connection.on('connectFailed', () => undefined);
    this.channel = this.connection.createChannel({
      confirm: true,
      json: false,
      setup: async (channel: ConfirmChannel) => {
        await channel.assertExchange(EVENTS_EXCHANGE, EVENTS_EXCHANGE_TYPE, EVENTS_EXCHANGE_OPTIONS);
        this.confirmChannel = channel;
      },
    });
    this.channel.on('connect', () => {
      this.channelUp = true;
      for (const listener of this.readyListeners) listener();
    });
    this.channel.on('close', () => (this.channelUp = false));
    this.channel.on('error', () => (this.channelUp = false));
    this.connection.on('disconnect', () => (this.channelUp = false));
  }

  isReady(): boolean {
    return this.channelUp && this.connection.isConnected();
  }

  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** Resolves once the channel is set up (exchange asserted), or rejects after `timeoutMs`. */
  async waitReady(timeoutMs = 10_000): Promise<void> {
    await Promise.race([
      this.channel.waitForConnect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('broker not reachable')), timeoutMs).unref()),
    ]);
  }

  deliver(rows: OutboxRow[]): Promise<DeliveryResult> {
    const channel = this.confirmChannel;
    if (!channel || !this.isReady()) return Promise.resolve({ delivered: 0, error: new Error('broker not connected') });
    const appId = this.options.appId;
    return new Promise<DeliveryResult>((resolve) => {
      // Per row: undefined while unconfirmed, null once the broker acked it, else why not.
      const outcomes: (Error | null | undefined)[] = new Array(rows.length);
      let unsettled = rows.length;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        resolve(confirmedPrefix(outcomes));
      };
      // A confirm that never comes (the connection stays up but the broker does not answer)
      // ends the round; its rows stay in the outbox and go again.
      const timer = setTimeout(finish, this.options.confirmTimeoutMs ?? 10_000);
      // All publishes go out on one channel, so the broker sees them in seq order.
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        try {
          // The contract's properties (docs/events.md, "On the broker") and nothing more: each
          // property is encoded by the producer and decoded and stored by the broker per message.
          channel.publish(
            EVENTS_EXCHANGE,
            row.type,
            Buffer.from(row.payload, 'utf8'),
            { persistent: true, contentType: CLOUDEVENTS_CONTENT_TYPE, messageId: row.id, type: row.type, appId },
            // Acked, nacked, or the channel closed first (amqplib calls back with an error).
            (err: unknown) => {
              outcomes[i] = err ? toError(err) : null;
              if (--unsettled === 0) finish();
            },
          );
        } catch (err) {
          // The channel closed under us: this row and the rest were not published.
          outcomes[i] = toError(err);
          unsettled -= rows.length - i;
          if (unsettled === 0) finish();
          return;
        }
      }
    });
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}

/**
 * Only a confirmed prefix is delivered: a later confirmed row after a failed one is sent again
 * with the failed one, keeping first-delivery order (the consumer drops duplicates by id).
 */
function confirmedPrefix(outcomes: readonly (Error | null | undefined)[]): DeliveryResult {
  for (let i = 0; i < outcomes.length; i++) {
    const outcome = outcomes[i];
    if (outcome !== null) return { delivered: i, error: outcome ?? new Error('publish not confirmed in time') };
  }
  return { delivered: outcomes.length };
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
