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
 */
export class AmqpTransport implements EventTransport {
  readonly name = 'amqp';
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private channelUp = false;
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

  async deliver(rows: OutboxRow[]): Promise<DeliveryResult> {
    if (!this.isReady()) return { delivered: 0, error: new Error('broker not connected') };
    const timeout = this.options.confirmTimeoutMs ?? 10_000;
    // All publishes go out on one channel, so the broker sees them in seq order; each promise
    // settles on the broker's ack (or nack / timeout).
    const settled = await Promise.allSettled(
      rows.map((row) =>
        // The contract's properties (docs/events.md, "On the broker") and nothing more: each
        // property is encoded by the producer and decoded and stored by the broker per message.
        this.channel.publish(EVENTS_EXCHANGE, row.type, Buffer.from(row.payload, 'utf8'), {
          persistent: true,
          contentType: CLOUDEVENTS_CONTENT_TYPE,
          messageId: row.id,
          type: row.type,
          appId: this.options.appId,
          timeout,
        }),
      ),
    );
    // Only a confirmed prefix is delivered: a later confirmed row after a failed one is sent
    // again with the failed one, keeping first-delivery order (the consumer drops duplicates by id).
    const firstFailure = settled.findIndex((s) => s.status === 'rejected');
    if (firstFailure === -1) return { delivered: rows.length };
    return { delivered: firstFailure, error: (settled[firstFailure] as PromiseRejectedResult).reason };
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
