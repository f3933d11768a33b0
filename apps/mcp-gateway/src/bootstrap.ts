import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, GracefulDrain, hostOriginHook } from '@portcullis/http';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config/gateway.config';

export interface GatewayAppOptions {
  requestLog?: boolean;
}

/** Builds the gateway (not listening yet), for main.ts and tests. */
export async function createGatewayApp(config: GatewayConfig, options: GatewayAppOptions = {}): Promise<NestFastifyApplication> {
  @Module({ imports: [AppModule.register(config)] })
  class GatewayRootModule {}
  const app = await createHttpApp(GatewayRootModule, { requestLog: options.requestLog, bodyLimit: config.maxBodyBytes, trustProxy: config.trustProxy, logging: config });
  const fastify = app.getHttpAdapter().getInstance();
  // Before the DNS-rebinding check: a draining replica's readiness answer needs no Host.
  app.get(GracefulDrain).attach(fastify);
  // DNS-rebinding protection (MCP Streamable HTTP, "Security Warning"), as on the mcp-server.
  fastify.addHook('onRequest', hostOriginHook(config));
  await app.init();
  return app;
}
