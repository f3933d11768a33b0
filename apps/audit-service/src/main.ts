import 'reflect-metadata';
import { loadConfigOrExit } from '@portcullis/config';
import { createAuditApp } from './bootstrap';
import { auditConfigSchema, resolveAuditConfig } from './config/audit-config';

async function main() {
  const config = resolveAuditConfig(loadConfigOrExit(auditConfigSchema));
  const app = await createAuditApp(config);
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
}

main().catch((err) => {
  process.stderr.write(`audit-service failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
