import { trace, type Tracer } from '@opentelemetry/api';

/**
 * Whether this process started the SDK. Every span helper of this library checks it first and
 * does nothing else when it is false: the hot paths (token endpoint, tool calls) then pay one
 * boolean test, not even a call into the no-op API.
 */
let started = false;

export function tracingStarted(): boolean {
  return started;
}

export function markTracingStarted(value: boolean): void {
  started = value;
}

/** The one tracer Portcullis's own spans come from (its name is the instrumentation scope). */
export function portcullisTracer(): Tracer {
  return trace.getTracer('portcullis');
}
