import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EventType } from '@portcullis/contracts';
import { sha256Base64Url } from '@portcullis/oauth';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { AuditRecord, AuditTrail } from './audit-trail';

/** Rejections that may come from anyone, unauthenticated, as fast as they can send them. */
export type RepeatableRejection = Extract<
  AuditRecord,
  { type: typeof EventType.AuthorizationDenied | typeof EventType.LoginFailed | typeof EventType.FederatedLoginFailed }
>;

/** What makes two rejections "the same": the reason, who it names (as a digest), and from where. */
export interface RejectionKey {
  reason: string;
  /** The client_id, username, … the request named; only its digest is kept in memory. */
  names: string | undefined;
  address: string;
}

interface Pending {
  event: RepeatableRejection;
  /** Identical rejections after the first, in this window. */
  repeats: number;
}

/** Bounded memory: at most this many distinct rejections wait for the window's end. */
const MAX_PENDING = 10_000;
/** Past this many different rejections from one address in a window, the rest are folded into one. */
const MAX_KEYS_PER_ADDRESS = 10;

/**
 * Keeps the audit trail from growing with every repeat of an unauthenticated rejection
 * (issue 9: 492 failed /authorize per second became as many stored events).
 *
 * The first rejection of a kind in a window is recorded at once, exactly as before. Identical
 * ones after it within AUDIT_REJECTION_WINDOW_SECONDS are only counted, and at the window's end
 * one more event of the same content carries `count`: how many it stands for. Nothing is
 * lost — the counts add up to every rejection — and a flood costs one row per kind per
 * window. An address that sends more than a few different rejections in one window (rotating
 * client_ids or usernames to defeat this) has the rest folded into one event per window: the
 * first of them, without the name, with the count of all.
 */
@Injectable()
export class RepeatedRejections implements BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger('audit');
  private pending = new Map<string, Pending>();
  private keysPerAddress = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly audit: AuditTrail,
    @Inject(AUTH_CONFIG) config: Pick<AuthConfig, 'auditRejectionWindowSeconds'>,
  ) {
    this.timer = setInterval(() => void this.flush(), config.auditRejectionWindowSeconds * 1000);
    this.timer.unref();
  }

  async record(key: RejectionKey, event: RepeatableRejection): Promise<void> {
    const id = this.keyOf(key, event);
    const pending = this.pending.get(id.key);
    if (pending) {
      pending.repeats += 1;
      return;
    }
    if (this.pending.size >= MAX_PENDING) await this.flush();
    const recorded = id.folded ? withoutName(event) : event;
    this.pending.set(id.key, { event: recorded, repeats: 0 });
    await this.audit.record(recorded);
  }

  /** Ends the window: one event with `count` per kind that repeated. */
  async flush(): Promise<void> {
    const done = this.pending;
    this.pending = new Map();
    this.keysPerAddress = new Map();
    for (const { event, repeats } of done.values()) {
      if (repeats === 0) continue;
      try {
        await this.audit.record({ ...event, data: { ...event.data, count: repeats } } as RepeatableRejection);
      } catch (err) {
        this.logger.error(`could not record ${repeats} repeated ${event.type}: ${(err as Error).message}`);
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private keyOf(key: RejectionKey, event: RepeatableRejection): { key: string; folded: boolean } {
    const full = `${event.type}\n${key.reason}\n${key.address}\n${key.names === undefined ? '' : sha256Base64Url(key.names)}`;
    if (this.pending.has(full)) return { key: full, folded: false };
    const seen = this.keysPerAddress.get(key.address) ?? 0;
    if (seen >= MAX_KEYS_PER_ADDRESS) return { key: `${event.type}\n*\n${key.address}`, folded: true };
    this.keysPerAddress.set(key.address, seen + 1);
    return { key: full, folded: false };
  }
}

/** The same event without the name that was rotated (client_id or username). */
function withoutName(event: RepeatableRejection): RepeatableRejection {
  if (event.type === EventType.LoginFailed) return { ...event, data: { ...event.data, username: '' } };
  // Two branches only so the compiler keeps each event's own data type.
  if (event.type === EventType.FederatedLoginFailed) return { ...event, data: withoutClientId(event.data) };
  return { ...event, data: withoutClientId(event.data) };
}

function withoutClientId<T extends { client_id?: string }>(data: T): Omit<T, 'client_id'> {
  const { client_id: _omitted, ...rest } = data;
  return rest;
}
