import { observeRevocationLag } from '../metrics/event-metrics';
import { RevocationListener } from './revocation.listener';

/** The revocation settings every resource server reads from its environment (the same names). */
export interface RevocationSettings {
  brokerUrl?: string;
  revocationsUrl?: string;
  revocationsPollMs?: number;
}

/**
 * The revocation list of a resource server (RFC 7009 §2, RFC 7592 client deletion): pushed on
 * its own broker queue, or polled from the authorization server without a broker. Provide the
 * result under one token only: Nest runs the lifecycle hooks of every provider, so the same
 * object under two would be started twice (two subscriptions, two polls). Each pushed
 * revocation is observed in `portcullis_revocation_lag_seconds`.
 */
export function revocationListenerFor(settings: RevocationSettings, log: (message: string) => void): RevocationListener {
  return new RevocationListener({
    brokerUrl: settings.brokerUrl,
    revocationsUrl: settings.revocationsUrl,
    pollIntervalMs: settings.revocationsPollMs,
    log,
    onRevoked: (_jtis, eventTime) => observeRevocationLag(eventTime),
  });
}
