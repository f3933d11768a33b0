import type { Channel, Message } from 'amqplib';

/**
 * Acknowledges a channel's deliveries in groups: one `basic.ack` with `multiple` for every run
 * of consecutive settled deliveries instead of one frame per message (a committed batch of 500
 * events was 500 socket writes). A delivery is acked only after its handler says so (after the
 * commit): a multiple ack goes up to the highest acked tag below which every delivery is
 * settled, so it never covers one still being stored. Rejected deliveries (nack) are sent at
 * once by the caller and only reported here, to close the gap they would leave.
 * Delivery tags are per channel and start at 1; a reconnect brings a new channel and a new
 * instance (see `forChannel`), and what the old one had not acked is redelivered by the broker.
 */
export class DeliveryAcks {
  private static readonly byChannel = new WeakMap<Channel, DeliveryAcks>();
  /** Lowest delivery tag not settled yet. */
  private next = 1;
  /** Settled tags at or above `next`: true when acked, false when rejected. */
  private readonly settled = new Map<number, boolean>();
  private highestAcked = 0;
  private sent = 0;
  private scheduled = false;

  private constructor(private readonly channel: Channel) {}

  static forChannel(channel: Channel): DeliveryAcks {
    let acks = DeliveryAcks.byChannel.get(channel);
    if (!acks) DeliveryAcks.byChannel.set(channel, (acks = new DeliveryAcks(channel)));
    return acks;
  }

  /** The delivery's event is stored: ack it with the next group. */
  ack(message: Message): void {
    this.settle(message.fields.deliveryTag, true);
  }

  /** The caller nacked this delivery itself. */
  rejected(message: Message): void {
    this.settle(message.fields.deliveryTag, false);
  }

  private settle(tag: number, acked: boolean): void {
    this.settled.set(tag, acked);
    for (let a = this.settled.get(this.next); a !== undefined; a = this.settled.get(this.next)) {
      this.settled.delete(this.next);
      if (a) this.highestAcked = this.next;
      this.next += 1;
    }
    // Every handler of a committed batch runs in the same turn: ack them together after it.
    if (this.highestAcked > this.sent && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.highestAcked <= this.sent) return;
    const through = this.highestAcked;
    this.sent = through;
    try {
      this.channel.ack({ fields: { deliveryTag: through } } as Message, true);
    } catch {
      /* channel gone (broker restart): the broker redelivers what was not acked */
    }
  }
}
