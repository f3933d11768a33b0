import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { createHttpApp, GracefulDrain, hostOriginHook } from '@portcullis/http';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config/gateway.config';

export interface GatewayAppOptions {
  requestLog?: boolean;
  /** The logger to write through instead of one made from the config (tests read its lines). */
  logger?: Logger;
}

/**
 * JSON bodies are parsed by Fastify's own parser (prototype-poisoning checks included) and kept
 * as they came too, so the upstream gets the client's bytes rather than a re-serialisation.
 */
function keepRawJson(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    (request as FastifyRequest & { rawJson?: string }).rawJson = text;
    void parse(request, text, done);
  });
}

/** Builds the gateway (not listening yet), for main.ts and tests. */
export async function createGatewayApp(config: GatewayConfig, options: GatewayAppOptions = {}): Promise<NestFastifyApplication> {
  @Module({ imports: [AppModule.register(config)] })
  class GatewayRootModule {}
  // Request ids handed on explicitly (libs/http request-context.ts): the gateway never enters an
  // AsyncLocalStorage, so Node 20 never turns on promise hooks for its every promise (≈ 8 % of
  // its CPU per proxied call, bench/gateway/README.md). Its request paths pass `request.id` on to
  // their log lines, their events (GatewayAudit) and the upstream (UpstreamProxy) themselves.
  const app = await createHttpApp(GatewayRootModule, {
    requestLog: options.requestLog,
    bodyLimit: config.maxBodyBytes,
    trustProxy: config.trustProxy,
    logging: config,
    logger: options.logger,
    requestContext: 'explicit',
  });
  const fastify = app.getHttpAdapter().getInstance();
  keepRawJson(fastify);
  // Before the DNS-rebinding check: a draining replica's readiness answer needs no Host.
  app.get(GracefulDrain).attach(fastify);
  // DNS-rebinding protection (MCP Streamable HTTP, "Security Warning"), as on the mcp-server.
  fastify.addHook('onRequest', hostOriginHook(config));
  await app.init();
  return app;
}
