/** Whether the broker consumer is connected; main.ts feeds it from the microservice status. */
export class BrokerState {
  connected = false;
  constructor(readonly mode: 'broker' | 'embedded') {}
}
