import { BrokerState, brokerReadiness } from './broker-state';

describe('brokerReadiness', () => {
  it('follows the consumer connection', async () => {
    const state = new BrokerState();
    const check = brokerReadiness(state);
    expect(await check()).toEqual({ broker: { status: 'down' } });
    state.connected = true;
    expect(await check()).toEqual({ broker: { status: 'up' } });
  });
});
