import { configProblems, parseConfig } from '@portcullis/config';
import { tracingSettingsSchema } from './tracing-settings';

describe('tracing settings (OTEL_* variables)', () => {
  it('is off when nothing is set, even though the specification defaults the exporter to otlp', () => {
    expect(parseConfig(tracingSettingsSchema, {})).toEqual({ enabled: false });
    expect(parseConfig(tracingSettingsSchema, { OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toEqual({ enabled: false });
  });

  it('is on with an endpoint: traces go to <endpoint>/v1/traces', () => {
    expect(parseConfig(tracingSettingsSchema, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      enabled: true,
      tracesUrl: 'http://collector:4318/v1/traces',
    });
  });

  it('takes the traces endpoint as is, and the service name', () => {
    expect(
      parseConfig(tracingSettingsSchema, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b.example/otlp/traces',
        OTEL_SERVICE_NAME: 'edge-gateway',
      }),
    ).toEqual({ enabled: true, tracesUrl: 'https://b.example/otlp/traces', serviceName: 'edge-gateway' });
  });

  it('is on with OTEL_TRACES_EXPORTER=otlp alone, at the OTLP/HTTP default address', () => {
    expect(parseConfig(tracingSettingsSchema, { OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({ enabled: true, tracesUrl: 'http://localhost:4318/v1/traces' });
  });

  it('is off with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true, endpoint or not', () => {
    expect(parseConfig(tracingSettingsSchema, { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318' })).toEqual({ enabled: false });
    expect(parseConfig(tracingSettingsSchema, { OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toEqual({ enabled: false });
  });

  it('refuses what it cannot honour with one line per variable', () => {
    expect(configProblems(tracingSettingsSchema, { OTEL_TRACES_EXPORTER: 'zipkin', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toEqual([
      'config: OTEL_TRACES_EXPORTER: only "otlp" or "none" are supported',
      'config: OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:// or https:// URL',
    ]);
  });
});
