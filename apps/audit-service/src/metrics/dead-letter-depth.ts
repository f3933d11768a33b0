import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import * as amqp from 'amqplib';
import { declareSampledGauge } from '@portcullis/metrics';

const deadLetterDepth = declareSampledGauge({
  name: 'portcullis_audit_dead_letter_messages',
  help: 'Messages waiting in the audit dead-letter queue (events the consumer could not read): each needs a look.',
  combine: 'sum',
});

/**
 * Reads the dead-letter queue's depth at scrape time with a passive declare (AMQP
 * `queue.declare passive`, amqplib `checkQueue`): no management plugin, nothing created. Its own
 * small connection, opened on the first scrape and again after a failure: a broker outage fails
 * the sample (counted, the scrape goes on), never the service.
 */
export class DeadLetterDepth implements OnModuleInit, OnApplicationShutdown {
  private connection: Promise<amqp.ChannelModel> | undefined;
  private channel: Promise<amqp.Channel> | undefined;
  private removeSource: (() => void) | undefined;

  constructor(
    private readonly brokerUrl: string,
    private readonly queue: string,
  ) {}

  onModuleInit(): void {
    this.removeSource = deadLetterDepth.add(() => this.depth());
  }

  async onApplicationShutdown(): Promise<void> {
    this.removeSource?.();
    await this.reset();
  }

  async depth(): Promise<number> {
    try {
      const channel = await this.openChannel();
      const { messageCount } = await channel.checkQueue(this.queue);
      return messageCount;
    } catch (err) {
      // A closed connection, or a 404 that closed the channel: start afresh next scrape.
      await this.reset();
      throw err;
    }
  }

  private openChannel(): Promise<amqp.Channel> {
    if (!this.channel) {
      const connection = (this.connection ??= amqp.connect(this.brokerUrl, { timeout: 2000 }).then((c) => {
        c.on('error', () => undefined);
        c.on('close', () => void this.reset());
        return c;
      }));
      this.channel = connection.then(async (c) => {
        const channel = await c.createChannel();
        channel.on('error', () => undefined);
        channel.on('close', () => (this.channel = undefined));
        return channel;
      });
    }
    return this.channel;
  }

  private async reset(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    this.channel = undefined;
    await connection?.then((c) => c.close()).catch(() => undefined);
  }
}
