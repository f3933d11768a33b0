import { Controller, type DynamicModule, Get, Inject, Logger, Module, type OnModuleInit, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { METRICS_PATH } from '@portcullis/http';
import { secretsEqual } from '@portcullis/oauth';
import { collectProcessMetrics, metricsRegistry } from './metrics-registry';
import type { MetricsOptions } from './metrics.settings';

const METRICS_OPTIONS = Symbol('METRICS_OPTIONS');

/** Whether `authorization` is `Bearer <token>`, compared in constant time whatever the lengths. */
function presentsToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer ([\x21-\x7e]+)$/i.exec(authorization ?? '');
  return secretsEqual(match?.[1] ?? '', token) && match !== null;
}

/**
 * GET /metrics: the process registry in Prometheus text format. It tells anyone who reads it
 * how busy the service is and what it refuses, so it is never cached, never CORS-readable
 * (libs/http), and behind METRICS_TOKEN when one is set.
 */
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS_OPTIONS) private readonly options: MetricsOptions) {}

  @Get(METRICS_PATH.slice(1))
  async metrics(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    reply.header('cache-control', 'no-store');
    if (this.options.token !== undefined && !presentsToken(request.headers.authorization, this.options.token)) {
      reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('a valid METRICS_TOKEN bearer token is required\n');
      return;
    }
    const body = await metricsRegistry.metrics();
    reply.code(200).type(metricsRegistry.contentType).send(body);
  }
}

/** Says once, at start, when a production service serves /metrics to anyone who reaches it. */
class OpenMetricsWarning implements OnModuleInit {
  constructor(@Inject(METRICS_OPTIONS) private readonly options: MetricsOptions) {}

  onModuleInit(): void {
    if (process.env.NODE_ENV === 'production' && this.options.token === undefined) {
      new Logger('metrics').warn('METRICS_TOKEN is unset: /metrics is readable by anyone who reaches this port; set it, or keep the port off public routes');
    }
  }
}

/**
 * Serves /metrics for an app (import it in the app module). Disabled → nothing is mounted and
 * /metrics is a 404. The process's default metrics (CPU, memory, event loop, GC) start here.
 */
@Module({})
export class MetricsModule {
  static forRoot(options: MetricsOptions): DynamicModule {
    if (!options.enabled) return { module: MetricsModule };
    collectProcessMetrics();
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: METRICS_OPTIONS, useValue: options }, OpenMetricsWarning],
    };
  }
}
