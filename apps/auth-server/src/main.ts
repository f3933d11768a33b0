import 'reflect-metadata';
import { loadConfigOrExit } from '@portcullis/config';
import { createHttpApp } from '@portcullis/http';
import { authConfigSchema } from './config/auth-config';
import { AppModule } from './app.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit(authConfigSchema);
  const app = await createHttpApp(AppModule.forRoot(config) as never, { trustProxy: config.trustProxy, logging: config });
  await app.listen(config.port, config.host);
  app.getHttpAdapter().getInstance().log?.info?.({ issuer: config.issuerUrl }, 'auth-server listening');
}

// Not awaited (no top-level await in this bundle): a start failure is an unhandled rejection,
// which Node prints and exits with status 1.
void main();
