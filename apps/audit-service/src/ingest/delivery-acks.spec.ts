import type { Channel, Message } from 'amqplib';
import { DeliveryAcks } from './delivery-acks';

/** Records what would go to the broker; DeliveryAcks only ever calls ack(message, true). */
function recordingChannel() {
  const acks: number[] = [];
  const channel = { ack: (m: Message, multiple: boolean) => acks.push(multiple ? m.fields.deliveryTag : -1) } as unknown as Channel;
  return { channel, acks };
}
const delivery = (tag: number) => ({ fields: { deliveryTag: tag } }) as Message;
const nextTurn = () => new Promise((r) => setImmediate(r));

describe('DeliveryAcks', () => {
  it('acks a committed run of deliveries with one multiple ack', async () => {
    const { channel, acks } = recordingChannel();
    const d = DeliveryAcks.forChannel(channel);
    for (let tag = 1; tag <= 500; tag++) d.ack(delivery(tag));
    await nextTurn();
    expect(acks).toEqual([500]);
  });

  it('never covers a delivery still being stored: acks beyond a gap wait for it', async () => {
    const { channel, acks } = recordingChannel();
    const d = DeliveryAcks.forChannel(channel);
    d.ack(delivery(1));
    d.ack(delivery(3));
    d.ack(delivery(4));
    await nextTurn();
    expect(acks).toEqual([1]);
    d.ack(delivery(2));
    await nextTurn();
    expect(acks).toEqual([1, 4]);
  });

  it('a rejected delivery closes its gap, and a multiple ack never names a rejected tag', async () => {
    const { channel, acks } = recordingChannel();
    const d = DeliveryAcks.forChannel(channel);
    d.ack(delivery(2));
    d.rejected(delivery(1));
    d.rejected(delivery(3));
    await nextTurn();
    expect(acks).toEqual([2]);
    d.rejected(delivery(4));
    await nextTurn();
    expect(acks).toEqual([2]);
  });

  it('keeps one state per channel: a new channel after a reconnect starts at tag 1', async () => {
    const first = recordingChannel();
    const second = recordingChannel();
    DeliveryAcks.forChannel(first.channel).ack(delivery(1));
    DeliveryAcks.forChannel(second.channel).ack(delivery(1));
    expect(DeliveryAcks.forChannel(first.channel)).toBe(DeliveryAcks.forChannel(first.channel));
    await nextTurn();
    expect([first.acks, second.acks]).toEqual([[1], [1]]);
  });

  it('a closed channel is no error: the broker redelivers', async () => {
    const channel = { ack: () => { throw new Error('Channel closed'); } } as unknown as Channel;
    DeliveryAcks.forChannel(channel).ack(delivery(1));
    await expect(nextTurn()).resolves.toBeUndefined();
  });
});
