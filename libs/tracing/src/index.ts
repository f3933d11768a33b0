export * from './lib/tracing-settings';
export * from './lib/start-tracing';
export { tracingStarted } from './lib/tracing-state';
export * from './lib/http-server-spans';
export * from './lib/outgoing-request-span';
export * from './lib/event-trace-context';
