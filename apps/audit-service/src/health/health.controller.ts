import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AuditEventStore } from '../events/audit-event.store';
import { BrokerState } from './broker-state';

@Controller('health')
export class HealthController {
  constructor(
    @Inject(AuditEventStore) private readonly store: AuditEventStore,
    @Inject(BrokerState) private readonly broker: BrokerState,
  ) {}

  /** The process is up. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** It can store events: the database answers and, with a broker, the consumer is connected. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const checks: Record<string, 'up' | 'down' | 'not used'> = { database: 'up', broker: this.broker.mode === 'embedded' ? 'not used' : this.broker.connected ? 'up' : 'down' };
    try {
      await this.store.ping();
    } catch {
      checks.database = 'down';
    }
    const ok = Object.values(checks).every((v) => v !== 'down');
    reply.code(ok ? 200 : 503).header('cache-control', 'no-store');
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
