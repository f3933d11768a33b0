import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { sha256Base64Url } from '@portcullis/oauth';
import { GatewayAudit, type LimitRefusalRecord } from '../audit/gateway-audit.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

/** Bounded memory: at most this many distinct refusals wait for the window's end. */
const MAX_PENDING = 10_000;

/**
 * Keeps a caller who keeps hitting a limit from writing one audit event per refused request
 * (a limit is hit precisely by someone sending many). The first refusal of a kind (upstream,
 * reason, subject, client) in a window of AUDIT_REJECTION_WINDOW_SECONDS is recorded at once;
 * the identical ones after it are counted, and at the window's end one more event of the first
 * one's content carries `count`: how many it stands for (docs/events.md, "Repeated rejections",
 * as the auth-server does for unauthenticated rejections). The counts add up to every refusal.
 */
@Injectable()
export class LimitDenials implements BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger('limits');
  private pending = new Map<string, { refusal: LimitRefusalRecord; repeats: number }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    @Inject(GatewayAudit) private readonly audit: GatewayAudit,
    @Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'auditRejectionWindowSeconds'>,
  ) {
    this.timer = setInterval(() => void this.flush(), config.auditRejectionWindowSeconds * 1000);
    this.timer.unref();
  }

  /** A refusal of the request `requestId`: recorded at once (with its id) unless one like it was this window. */
  async record(refusal: LimitRefusalRecord, requestId: string): Promise<void> {
    const { principal } = refusal;
    const key = [refusal.upstream, refusal.reason, sha256Base64Url(principal.subject), sha256Base64Url(principal.clientId)].join('\n');
    const pending = this.pending.get(key);
    if (pending) {
      pending.repeats += 1;
      return;
    }
    if (this.pending.size >= MAX_PENDING) await this.flush();
    this.pending.set(key, { refusal, repeats: 0 });
    await this.audit.limitRefused(refusal, { requestId });
  }

  /** Ends the window: one event with `count` per kind that repeated. GatewayAudit never throws. */
  async flush(): Promise<void> {
    const done = this.pending;
    this.pending = new Map();
    for (const { refusal, repeats } of done.values()) if (repeats > 0) await this.audit.limitRefused(refusal, { count: repeats });
    if (done.size >= MAX_PENDING) this.logger.warn(`${done.size} different limit refusals in one window: recorded early`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
