import { context, trace } from '@opentelemetry/api';
import { activeEventTraceContext } from './event-trace-context';
import { startTracing } from './start-tracing';
import { tracingStarted } from './tracing-state';

// Records whether the SDK's code was ever loaded: with tracing off it must not be.
const mockLoaded: string[] = [];
jest.mock('@opentelemetry/sdk-trace-node', () => {
  mockLoaded.push('@opentelemetry/sdk-trace-node');
  return jest.requireActual('@opentelemetry/sdk-trace-node');
});
jest.mock('@opentelemetry/exporter-trace-otlp-http', () => {
  mockLoaded.push('@opentelemetry/exporter-trace-otlp-http');
  return jest.requireActual('@opentelemetry/exporter-trace-otlp-http');
});

describe('startTracing with no OTEL_* variable', () => {
  it('starts no SDK, loads none of its modules, and leaves the no-op API in place', async () => {
    expect(await startTracing({ enabled: false }, { serviceName: 'mcp-server' })).toBeUndefined();
    expect(tracingStarted()).toBe(false);
    expect(mockLoaded).toEqual([]);
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    context.with(trace.setSpan(context.active(), span), () => expect(activeEventTraceContext()).toEqual({}));
    span.end();
  });

  it('starts it when configured (the other half of the check above)', async () => {
    const tracing = await startTracing({ enabled: true, tracesUrl: 'http://127.0.0.1:9/v1/traces' }, { serviceName: 'mcp-server' });
    try {
      expect(tracingStarted()).toBe(true);
      expect(mockLoaded).toEqual(['@opentelemetry/sdk-trace-node', '@opentelemetry/exporter-trace-otlp-http']);
      const span = trace.getTracer('probe').startSpan('probe');
      expect(span.isRecording()).toBe(true);
      const traceparent = context.with(trace.setSpan(context.active(), span), () => activeEventTraceContext().traceparent);
      expect(traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    } finally {
      await tracing?.shutdown();
    }
    expect(tracingStarted()).toBe(false);
  });
});
