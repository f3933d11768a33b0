import 'reflect-metadata';
import { loadConfigOrExit } from '@portcullis/config';
import { createAuditApp } from './bootstrap';
import { auditConfigSchema } from './config/audit-config';

async function main() {
  const config = loadConfigOrExit(auditConfigSchema);
  const app = await createAuditApp(config);
  await app.startAllMicroservices();
  await app.listen(config.port, config.host);
}

main().catch((err) => {
  process.stderr.write(`audit-service failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
