import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { TracingSettings } from './tracing-settings';
import { markTracingStarted, tracingStarted } from './tracing-state';

export interface StartTracingOptions {
  /** `service.name` when OTEL_SERVICE_NAME is unset, e.g. `mcp-server`. */
  serviceName: string;
  /**
   * Where finished spans go instead of the OTLP exporter, e.g. the SDK's InMemorySpanExporter
   * in a test. Given → the SDK starts whatever the settings say.
   */
  spanProcessors?: SpanProcessor[];
}

/** A started SDK. */
export interface Tracing {
  /** Exports what is buffered, then stops and unregisters the SDK (the API is a no-op again). */
  shutdown(): Promise<void>;
  /** Exports what is buffered. */
  flush(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK when the settings ask for it, before the application is built:
 * a tracer provider with the AsyncLocalStorage context manager and the W3C Trace Context
 * propagator, exporting over OTLP/HTTP (JSON) in batches. Otherwise it returns undefined and
 * loads nothing: the SDK's modules are imported here, on demand, so a service without tracing
 * runs on the API's no-op implementation alone.
 */
export async function startTracing(settings: TracingSettings, options: StartTracingOptions): Promise<Tracing | undefined> {
  if (!settings.enabled && !options.spanProcessors) return undefined;
  if (tracingStarted()) throw new Error('tracing is already started in this process');
  const [{ NodeTracerProvider, BatchSpanProcessor }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/resources'),
  ]);
  let processors = options.spanProcessors;
  if (!processors && settings.enabled) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    processors = [new BatchSpanProcessor(new OTLPTraceExporter({ url: settings.tracesUrl }))];
  }
  const serviceName = (settings.enabled ? settings.serviceName : undefined) ?? options.serviceName;
  const provider = new NodeTracerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), spanProcessors: processors });
  provider.register();
  markTracingStarted(true);
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      markTracingStarted(false);
    },
  };
}
