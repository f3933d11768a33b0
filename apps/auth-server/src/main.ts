import 'reflect-metadata';
import { ConfigError, loadConfigOrExit } from '@portcullis/config';
import { startTracing, tracingSettingsSchema } from '@portcullis/tracing';
import { createHttpApp } from '@portcullis/http';
import { authConfigSchema } from './config/auth-config';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit(authConfigSchema);
  // Before the application is built, so its HTTP server is traced (OTEL_* variables; off when none is set).
  await startTracing(loadConfigOrExit(tracingSettingsSchema), { serviceName: 'auth-server' });
  const app = await createHttpApp(AppModule.forRoot(config) as never, { trustProxy: config.trustProxy, logging: config });
  await app.listen(config.port, config.host);
  app.getHttpAdapter().getInstance().log?.info?.({ issuer: config.issuerUrl }, 'auth-server listening');
}

// Not awaited (no top-level await in this bundle). A configuration problem found while starting
// (a signing key the configured KEK cannot open) is one line and status 78, like a bad variable;
// any other start failure is an unhandled rejection, which Node prints and exits with status 1.
main().catch((err: unknown) => {
  if (!(err instanceof ConfigError)) throw err;
  for (const line of err.problems) process.stderr.write(`${line}\n`);
  process.exit(78);
});
