import { z } from 'zod';

/** Empty counts as unset, so an orchestrator can pass an optional value through (`${X:-}`). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/**
 * The OpenTelemetry SDK's own environment variables (the specification's "General SDK
 * Configuration" and OTLP exporter variables), the few Portcullis reads. Unlike the
 * specification's default (`otlp`), tracing stays off unless an endpoint or the exporter is
 * named: a service that nobody configured for tracing starts no SDK at all.
 */
export const tracingSettingsSchema = z
  .object({
    OTEL_SDK_DISABLED: optional(z.enum(['true', 'false'], { error: 'must be true or false' })),
    /** Only the OTLP/HTTP exporter ships; `none` turns tracing off even with an endpoint set. */
    OTEL_TRACES_EXPORTER: optional(z.enum(['otlp', 'none'], { error: 'only "otlp" or "none" are supported' })),
    /** Base URL of an OTLP/HTTP receiver; traces go to `<endpoint>/v1/traces`. */
    OTEL_EXPORTER_OTLP_ENDPOINT: optional(url),
    /** The full traces URL, used as is (wins over OTEL_EXPORTER_OTLP_ENDPOINT). */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional(url),
    OTEL_SERVICE_NAME: optional(z.string().min(1).max(256)),
  })
  .transform((env): TracingSettings => {
    const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
    const wanted = env.OTEL_TRACES_EXPORTER === 'otlp' || (env.OTEL_TRACES_EXPORTER === undefined && endpoint !== undefined);
    if (env.OTEL_SDK_DISABLED === 'true' || !wanted) return { enabled: false };
    // The OTLP/HTTP default port (OTLP specification, "OTLP/HTTP Default Port").
    return { enabled: true, tracesUrl: endpoint ?? 'http://localhost:4318/v1/traces', serviceName: env.OTEL_SERVICE_NAME };
  });

export type TracingSettings = { enabled: false } | { enabled: true; tracesUrl: string; serviceName?: string };
