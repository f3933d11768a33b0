import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp, GracefulDrain, hostOriginHook, type NestApplicationSource } from '@portcullis/http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { McpServerConfig } from './config/mcp-server.config';
import { McpServerHost } from './mcp/mcp-server.provider';

export interface McpServerAppOptions {
  requestLog?: boolean;
  /**
   * The compiled `AppModule.register(config)` to serve instead, e.g. a TestingModule whose
   * providers a benchmark overrode (bench/mcp builds one without the guard).
   */
  module?: NestApplicationSource;
  /** The logger to write through instead of one made from the config (tests read its lines). */
  logger?: Logger;
}

/** Builds the application (not listening yet), for main.ts, tests and benchmarks. */
export async function createMcpServerApp(config: McpServerConfig, options: McpServerAppOptions = {}): Promise<NestFastifyApplication> {
  // createHttpApp takes a module class; the configured AppModule is wrapped in one.
  @Module({ imports: [AppModule.register(config)] })
  class McpServerRootModule {}
  // Request ids handed on explicitly (libs/http request-context.ts): every tool call is a few
  // dozen promises, and on Node 20 a request context would put promise hooks on each of them.
  // The request's id reaches its events and lines by hand: McpAudit, DeniedRequestLog, the
  // bearer guard's and the error filter's own lines.
  const app = await createHttpApp(options.module ?? McpServerRootModule, {
    requestLog: options.requestLog,
    bodyLimit: 256 * 1024,
    trustProxy: config.trustProxy,
    logging: config,
    logger: options.logger,
    requestContext: 'explicit',
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Before the DNS-rebinding check: a draining replica's readiness answer needs no Host.
  app.get(GracefulDrain).attach(fastify);
  fastify.addHook('onRequest', hostOriginHook(config));
  await app.init();
  await app.get(McpServerHost).ready();
  return app;
}
