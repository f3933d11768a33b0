import { AsyncLocalStorage } from 'node:async_hooks';
import { REQUEST_ID_PATTERN } from '@portcullis/contracts';

/** What every piece of code running for one HTTP request may need to know about it. */
export interface RequestContext {
  /** The request id: the caller's valid `X-Request-Id`, else one made here (see create-http-app). */
  readonly requestId: string;
}

/**
 * The request being handled, without threading it through every call: log lines, events and
 * outgoing calls made while handling a request find its id here. Entered once per request,
 * after the body is read (create-http-app), so everything the handler starts inherits it.
 */
const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The id of the request this code runs for; undefined in background work (relays, timers). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** The header that carries the request id in and out of every service. */
export const REQUEST_ID_HEADER = 'x-request-id';

export function isValidRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}

/** Headers for an outgoing call made while handling a request: its id, so the next service logs the same one. */
export function requestIdHeaders(): Record<string, string> {
  const id = currentRequestId();
  return id ? { [REQUEST_ID_HEADER]: id } : {};
}
