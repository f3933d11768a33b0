import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfigOrExit } from '@portcullis/config';
import { startTracing, tracingSettingsSchema } from '@portcullis/tracing';
import { createMcpServerApp } from './bootstrap';
import { mcpServerConfigSchema } from './config/mcp-server.config';

async function main() {
  const config = loadConfigOrExit(mcpServerConfigSchema);
  // Before the application is built, so its HTTP server is traced (OTEL_* variables; off when none is set).
  await startTracing(loadConfigOrExit(tracingSettingsSchema), { serviceName: 'mcp-server' });
  const app = await createMcpServerApp(config);
  await app.listen(config.port, '0.0.0.0');
  new Logger('mcp-server').log(`serving ${config.resource} (issuer ${config.issuer}) on port ${config.port}`);
}
// Not awaited (no top-level await in this bundle): a start failure is an unhandled rejection,
// which Node prints and exits with status 1.
void main();
