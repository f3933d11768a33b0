import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@portcullis/config';
import { startTracing, tracingSettingsSchema } from '@portcullis/tracing';
import { createGatewayApp } from './bootstrap';
import { gatewayConfigSchema } from './config/gateway.config';

async function main() {
  const config = loadConfigOrExit(gatewayConfigSchema);
  // Before the application is built, so its HTTP server is traced (OTEL_* variables; off when none is set).
  await startTracing(loadConfigOrExit(tracingSettingsSchema), { serviceName: 'mcp-gateway' });
  const app = await createGatewayApp(config);
  await app.listen(config.port, '0.0.0.0');
  const logger = new Logger('mcp-gateway');
  for (const u of config.upstreams) logger.log(`serving ${u.resource} → ${u.url}`);
  logger.log(`issuer ${config.issuer}, port ${config.port}`);
}
// Not awaited (no top-level await in this bundle): a start failure is an unhandled rejection,
// which Node prints and exits with status 1.
void main();
