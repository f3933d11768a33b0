import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, EntityManager, TransactionCommitEvent } from 'typeorm';
import { createEvent, EventData, EventTypeName, PortcullisEvent } from '@portcullis/contracts';
import { activeEventTraceContext } from '@portcullis/tracing';
import { currentRequestId } from '@portcullis/http';
import { OutboxGroupCommit } from './outbox/outbox-group-commit';
import { OutboxStore } from './outbox/outbox.store';
import { OutboxRelay, OutboxRelayOptions } from './relay/outbox.relay';
import { AmqpTransport } from './transport/amqp.transport';
import type { EventTransport } from './transport/event-transport';
import { HttpIngestTransport } from './transport/http-ingest.transport';
import { outboxBacklog, outboxOldestAge } from './metrics/event-metrics';

export interface EventsOptions extends OutboxRelayOptions {
  /** CloudEvents `source` of this producer, e.g. `/portcullis/auth-server`. */
  source: string;
  /** amqp:// URL. Unset → the embedded default: POST to `auditIngestUrl`. */
  brokerUrl?: string;
  /** The audit service's ingest endpoint (default http://localhost:3100/internal/events). */
  auditIngestUrl?: string;
  /**
   * This producer's own credential for the ingest endpoint (its AUDIT_INGEST_SECRET), which the
   * audit service binds to `source` (AUDIT_INGEST_PRODUCERS). Unset → deliveries are refused.
   */
  auditIngestSecret?: string;
  /** Do not start the relay (e.g. a CLI that only records and lets the server deliver). */
  relay?: boolean;
  /** How long a graceful stop may spend delivering pending events (default 3000 ms). */
  shutdownFlushMs?: number;
}

/** Marks a query runner whose open transaction wrote outbox rows. */
const OUTBOX_WRITTEN = 'portcullisOutboxWritten';

export const DEFAULT_AUDIT_INGEST_URL = 'http://localhost:3100/internal/events';

export interface EmitOptions {
  subject?: string;
  /** The EntityManager of the transaction that makes the change this event records. */
  manager?: EntityManager;
  /**
   * The id of the request that makes the event (its `requestid`). Unset: the request being
   * handled, found in the request context — which a service that hands request ids on
   * explicitly (libs/http request-context.ts) never enters, so it passes its own here.
   */
  requestId?: string;
}

export function createTransport(options: EventsOptions): EventTransport {
  if (options.brokerUrl) return new AmqpTransport({ url: options.brokerUrl, appId: options.source });
  return new HttpIngestTransport({ url: options.auditIngestUrl ?? DEFAULT_AUDIT_INGEST_URL, secret: options.auditIngestSecret });
}

/**
 * What producers use. `record`/`emit` write one outbox row — inside the caller's transaction
 * when given its EntityManager, else group-committed with the other events of the same
 * event-loop turn — and return once it is committed; the relay delivers asynchronously. So an event
 * exists if and only if the change it records was committed, and the request path pays for
 * one INSERT, never for a broker round trip.
 */
export class AuditEvents implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly store: OutboxStore;
  readonly relay: OutboxRelay;
  private readonly groupCommit: OutboxGroupCommit;
  private readonly transport: EventTransport;
  /** Removes this producer's outbox from the scrape-time gauges. */
  private unsample: (() => void)[] = [];
  /**
   * Wakes the relay after a commit that wrote outbox rows, and only then: waking on every
   * commit would also wake it on its own drain transactions, a busy loop against the database.
   */
  private readonly subscriber = {
    afterTransactionCommit: (event: TransactionCommitEvent) => {
      const data = event.queryRunner?.data as Record<string, unknown> | undefined;
      if (data?.[OUTBOX_WRITTEN]) {
        delete data[OUTBOX_WRITTEN];
        this.relay.wake();
      }
    },
  };

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: EventsOptions,
    transport: EventTransport = createTransport(options),
  ) {
    this.store = new OutboxStore(dataSource);
    this.transport = transport;
    this.relay = new OutboxRelay(this.store, transport, options);
    this.groupCommit = new OutboxGroupCommit(this.store, () => this.relay.wake());
  }

  get transportName(): string {
    return this.transport.name;
  }

  /** Starts the relay and wakes it after every commit on this DataSource. */
  start(): void {
    if (!this.dataSource.subscribers.includes(this.subscriber)) this.dataSource.subscribers.push(this.subscriber);
    if (this.unsample.length === 0) {
      // Read at scrape time: two aggregate queries on a table the relay keeps short.
      this.unsample = [
        outboxBacklog.add(() => this.store.count()),
        outboxOldestAge.add(async () => {
          const oldest = await this.store.oldestCreatedAt();
          return oldest === undefined ? 0 : Math.max(0, Date.now() - oldest) / 1000;
        }),
      ];
    }
    if (this.options.relay !== false) this.relay.start();
  }

  /** Nest: migrations have run by now (TypeORM initialises before any bootstrap hook). */
  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    const i = this.dataSource.subscribers.indexOf(this.subscriber);
    if (i !== -1) this.dataSource.subscribers.splice(i, 1);
    for (const remove of this.unsample) remove();
    this.unsample = [];
    // A graceful stop delivers what is pending first, for a bounded time. Nothing is lost if
    // it cannot (the broker is away): the rows stay in the outbox for the next start.
    if (this.options.relay !== false && this.transport.isReady()) {
      await this.relay.flush(this.options.shutdownFlushMs ?? 3000).catch(() => undefined);
    }
    await this.relay.stop();
    await this.transport.close();
  }

  /**
   * Builds (and validates) an event with this producer's source, the id of the request that
   * makes it (`requestId`, else the one in the request context, if any), and the active trace (CloudEvents Distributed Tracing extension) when
   * tracing is on: the outbox keeps the event as built, so both ride through the relay, the
   * broker and the ingest with it.
   */
  create<T extends EventTypeName>(type: T, data: EventData<T>, subject?: string, requestId: string | undefined = currentRequestId()): PortcullisEvent<T> {
    return createEvent(type, data, { source: this.options.source, subject, requestId, ...activeEventTraceContext() });
  }

  /** Writes a prepared event to the outbox. */
  record(event: PortcullisEvent, manager?: EntityManager): Promise<void> {
    // On its own: written with the other events of this event-loop turn, in one commit (its
    // promise returned as it is: this runs for every tool call and token).
    if (!manager?.queryRunner?.isTransactionActive) return this.groupCommit.record(event);
    return this.recordInTransaction(event, manager);
  }

  /** Part of the caller's change: committed with it; the commit subscriber wakes the relay. */
  private async recordInTransaction(event: PortcullisEvent, manager: EntityManager): Promise<void> {
    await this.store.insert(event, manager);
    (manager.queryRunner?.data as Record<string, unknown>)[OUTBOX_WRITTEN] = true;
  }

  /**
   * For a producer that wrote outbox rows with its own statement (outbox-statement.ts, on the
   * hot path): call after it committed, so the relay delivers them.
   */
  outboxWritten(): void {
    this.relay.wake();
  }

  /** create + record in one call. Returns the event id. */
  async emit<T extends EventTypeName>(type: T, data: EventData<T>, options: EmitOptions = {}): Promise<string> {
    const event = this.create(type, data, options.subject, options.requestId);
    await this.record(event, options.manager);
    return event.id;
  }
}
