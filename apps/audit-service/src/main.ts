import 'reflect-metadata';
import { loadConfigOrExit } from '@portcullis/config';
import { startTracing, tracingSettingsSchema } from '@portcullis/tracing';
import { createAuditApp } from './bootstrap';
import { auditConfigSchema } from './config/audit-config';

async function main() {
  const config = loadConfigOrExit(auditConfigSchema);
  // Before the application is built, so its HTTP server is traced (OTEL_* variables; off when none is set).
  await startTracing(loadConfigOrExit(tracingSettingsSchema), { serviceName: 'audit-service' });
  const app = await createAuditApp(config);
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);
}

main().catch((err) => {
  process.stderr.write(`audit-service failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
