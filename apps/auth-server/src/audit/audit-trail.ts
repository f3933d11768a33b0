import { Injectable, Logger } from '@nestjs/common';

/**
 * Where the authorization server's audit events go. The events pipeline (RabbitMQ with an
 * outbox, issue 4) plugs in here; until then events are written to the structured log.
 * Callers never pass secrets: tokens are named by `jti`, never by value.
 */
export interface AuditRecord {
  type: string;
  subject?: string;
  data: Record<string, unknown>;
}

@Injectable()
export class AuditTrail {
  private readonly logger = new Logger('audit');

  record(event: AuditRecord): void {
    this.logger.log(JSON.stringify(event));
  }
}
