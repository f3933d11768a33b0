import { declareCounter, declareHistogram, declareSampledGauge } from '@portcullis/metrics';

/** Every producer's outbox (libs/events): what waits, since when, what went out. */
export const outboxBacklog = declareSampledGauge({
  name: 'portcullis_outbox_backlog_events',
  help: 'Audit events recorded in this service\'s outbox and not yet confirmed by the broker or the audit service.',
  combine: 'sum',
});

export const outboxOldestAge = declareSampledGauge({
  name: 'portcullis_outbox_oldest_event_age_seconds',
  help: 'Age of the oldest event still in the outbox (0 when it is empty): how far delivery lags behind.',
  combine: 'max',
});

export const outboxPublished = declareCounter({
  name: 'portcullis_outbox_published_events_total',
  help: 'Outbox events the relay delivered and saw confirmed (broker publisher confirm, or the audit service\'s ingest answer).',
});

export const outboxRelayFailures = declareCounter({
  name: 'portcullis_outbox_relay_failures_total',
  help: 'Relay rounds that failed (transport not ready, delivery refused, database error); the rows stay and are retried.',
});

/**
 * Time from a revocation (the event's `time`, set by the authorization server when it revoked)
 * to this resource server applying it. Clocks of different hosts differ a little: a negative
 * lag is counted as zero.
 */
export const revocationLag = declareHistogram({
  name: 'portcullis_revocation_lag_seconds',
  help: 'Seconds from a token revocation at the authorization server (the event time) to this resource server applying it.',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

/** Observes one applied revocation event. */
export function observeRevocationLag(eventTime: string, now = Date.now()): void {
  const at = Date.parse(eventTime);
  if (Number.isNaN(at)) return;
  revocationLag.observe(Math.max(0, now - at) / 1000);
}
