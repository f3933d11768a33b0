import { type HealthIndicatorFunction, HealthIndicatorService } from '@nestjs/terminus';

/** Whether the broker consumer is connected; main.ts feeds it from the microservice status. */
export class BrokerState {
  connected = false;
}

/**
 * Readiness of the broker consumer: with a broker, this service stores events only while it
 * consumes them (a terminus indicator for the shared health controller of libs/http).
 */
export function brokerReadiness(state: BrokerState): HealthIndicatorFunction {
  const indicator = new HealthIndicatorService();
  return () => (state.connected ? indicator.check('broker').up() : indicator.check('broker').down());
}
