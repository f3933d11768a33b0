import { z } from 'zod';
import type { GracefulDrainOptions } from './graceful-drain';

/** The settings of GracefulDrain, by environment variable name, for an app to spread into its environment. */
export const gracefulDrainEnvironment = {
  /** On SIGTERM: how long readiness fails while requests are still served, before the listener closes. */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(120_000).default(1000),
  /** On SIGTERM: the most the whole drain may take (keep it below the orchestrator's grace period). */
  SHUTDOWN_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
};

/** The drain options from the parsed settings: the whole drain never ends before its first step. */
export function gracefulDrainOptions(config: GracefulDrainOptions): GracefulDrainOptions {
  return { shutdownDelayMs: config.shutdownDelayMs, shutdownDrainTimeoutMs: Math.max(config.shutdownDrainTimeoutMs, config.shutdownDelayMs) };
}
