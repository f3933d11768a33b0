import { parseConfig } from '@portcullis/config';
import type { EventSink, TestIssuer } from '@portcullis/testing';
import { type GatewayConfig, gatewayConfigSchema } from '../config/gateway.config';

/**
 * The settings of a gateway run in-process by a spec: its gateway file, tokens from a local
 * TestIssuer (its JWKS), an in-memory SQLite outbox whose relay delivers to an EventSink.
 */
export function inProcessGatewayConfig(options: { port: number; file: string; issuer: TestIssuer; sink: EventSink }): GatewayConfig {
  const { port, file, issuer, sink } = options;
  return parseConfig(gatewayConfigSchema, {
    NODE_ENV: 'test',
    PORT: String(port),
    GATEWAY_CONFIG_FILE: file,
    ISSUER_URL: issuer.issuer,
    JWKS_URI: `${issuer.issuer}/jwks`,
    SQLITE_PATH: ':memory:',
    AUDIT_INGEST_URL: sink.url,
  });
}
