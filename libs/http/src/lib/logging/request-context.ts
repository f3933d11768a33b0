import { AsyncLocalStorage } from 'node:async_hooks';
import { REQUEST_ID_PATTERN } from '@portcullis/contracts';

/** What every piece of code running for one HTTP request may need to know about it. */
export interface RequestContext {
  /** The request id: the caller's valid `X-Request-Id`, else one made here (see create-http-app). */
  readonly requestId: string;
}

/**
 * How a service's code finds the id of the request it is handling (createHttpApp's
 * `requestContext`):
 *
 * - `async-local-storage` (the default): the request is entered into an AsyncLocalStorage once,
 *   after its body is read, so every log line, event and outgoing call made while handling it
 *   finds the id by itself (`currentRequestId()`), however deep the call.
 * - `explicit`: nothing is entered; the id lives on the request (`request.id`) and the service
 *   hands it on itself — `requestId` on its log lines, `EmitOptions.requestId` on its events,
 *   `X-Request-Id` on its outgoing calls. `currentRequestId()` is always undefined there.
 *
 * Why two: on Node 20 (no AsyncContextFrame; it is the default from Node 24) entering any
 * AsyncLocalStorage once turns on promise hooks for every promise and async resource in the
 * whole process, for good. For a service whose every request is a few dozen promises and little
 * else (the MCP gateway: ≈ 8 % of its CPU per proxied call, bench/gateway/README.md; the
 * mcp-server: ≈ 5 % per tool call, bench/mcp/README.md) that is a cost worth the explicit
 * hand-off on its few request paths; elsewhere the storage is simpler.
 * With tracing on, OpenTelemetry's context manager enters an AsyncLocalStorage per request
 * anyway, so `explicit` saves nothing then (it stays correct).
 */
export type RequestContextMode = 'async-local-storage' | 'explicit';

/**
 * The request being handled, without threading it through every call: log lines, events and
 * outgoing calls made while handling a request find its id here. Entered once per request,
 * after the body is read (create-http-app), so everything the handler starts inherits it —
 * unless the service chose `explicit` (above): then never entered.
 */
const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/**
 * The id of the request this code runs for; undefined in background work (relays, timers) and
 * in a service that hands request ids on explicitly. Reading it never turns on promise hooks.
 */
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

/**
 * A log line naming the request it is written for: `{ requestId, msg }`, or the bare message
 * when there is no request. For lines of a service that hands request ids on explicitly, where
 * the logger finds no request context to read the id from.
 */
export function withRequestId(requestId: string | undefined, msg: string): string | { requestId: string; msg: string } {
  return requestId ? { requestId, msg } : msg;
}
