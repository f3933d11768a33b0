import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { connect, AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { z } from 'zod';
import { RevokedTokens } from '@portcullis/oauth';
import { EVENTS_EXCHANGE, EVENTS_EXCHANGE_OPTIONS, EVENTS_EXCHANGE_TYPE, EventType, parseEventJson, tokenRevokedData } from '@portcullis/contracts';

export interface RevocationListenerOptions {
  /** amqp:// URL; unset → poll `revocationsUrl` instead (embedded default). */
  brokerUrl?: string;
  /**
   * The authorization server's list of current revocations (`${issuer}/revocations`), read at
   * start and after every reconnect so a late starter or a replica that was cut off catches up.
   */
  revocationsUrl?: string;
  /** Sent as `Authorization: Bearer …` to revocationsUrl, if the authorization server wants one. */
  revocationsToken?: string;
  /** Poll period when there is no broker. */
  pollIntervalMs?: number;
  /** How long start() waits for the broker and the first list before giving up (and serving). */
  startTimeoutMs?: number;
  /** Period of pruning expired entries. */
  pruneIntervalMs?: number;
  log?: (message: string) => void;
  /** Called after a revocation event was applied (latency measurement, metrics). */
  onRevoked?: (jtis: string[], eventTime: string) => void;
}

/** Where an issuer serves its current revocations, unless a resource server is told otherwise (docs/events.md). */
export function issuerRevocationsUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/revocations`;
}

/**
 * The body `GET ${issuer}/revocations` returns (see docs/events.md): revoked tokens by `jti`,
 * and `clients`, every token of a client issued at or before `issued_through` (absent from an
 * authorization server that predates it).
 */
export const revocationListSchema = z.object({
  revocations: z.array(z.object({ jti: z.string().min(1), expires_at: z.number().int() })),
  clients: z.array(z.object({ client_id: z.string().min(1), issued_through: z.number().int(), expires_at: z.number().int() })).optional(),
});

/**
 * For resource servers (mcp-server replicas): learns which access tokens were revoked and
 * answers `isRevoked(jti)` and `isClientRevoked(clientId, iat)` (a disabled or deleted client)
 * from memory. Each process binds its own exclusive, auto-delete queue to `auth.token.revoked`,
 * so every replica sees every revocation; entries are kept until the tokens they cover have
 * expired and then pruned.
 */
export class RevocationListener implements OnModuleInit, OnApplicationShutdown {
  private readonly revoked = new RevokedTokens();
  private connection: AmqpConnectionManager | undefined;
  private channel: ChannelWrapper | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private listFetched = false;
  private stopped = false;

  constructor(private readonly options: RevocationListenerOptions = {}) {}

  /** True while `jti` names a revoked token that has not expired yet. */
  isRevoked(jti: string, nowSeconds = Date.now() / 1000): boolean {
    return this.revoked.isRevoked(jti, nowSeconds);
  }

  /** True when every token of `clientId` issued at or before a cutoff was revoked, and `issuedAt` (`iat`) is at or before it. */
  isClientRevoked(clientId: string, issuedAt: number, nowSeconds = Date.now() / 1000): boolean {
    return this.revoked.isClientRevoked(clientId, issuedAt, nowSeconds);
  }

  get size(): number {
    return this.revoked.size;
  }

  /** Whether the current list was read at least once (false if the URL is absent or failing). */
  get caughtUp(): boolean {
    return this.listFetched;
  }

  add(jtis: Iterable<string>, expiresAt: number): void {
    this.revoked.revokeJtis(jtis, expiresAt);
  }

  /** Every token of `clientId` with `iat` ≤ `issuedThrough`, until `expiresAt` (NumericDates). */
  addClient(clientId: string, issuedThrough: number, expiresAt: number): void {
    this.revoked.revokeClient(clientId, issuedThrough, expiresAt);
  }

  prune(nowSeconds = Date.now() / 1000): void {
    this.revoked.prune(nowSeconds);
  }

  /**
   * Subscribes first, then reads the current list, so no revocation falls between the two.
   * Resolves when both are done or after startTimeoutMs; never rejects: a resource server that
   * cannot reach the broker still serves, and keeps trying in the background.
   */
  async start(): Promise<void> {
    const timeoutMs = this.options.startTimeoutMs ?? 5000;
    this.pruneTimer = setInterval(() => this.prune(), this.options.pruneIntervalMs ?? 60_000);
    this.pruneTimer.unref();
    const ready = this.options.brokerUrl ? this.subscribe() : this.startPolling();
    const timedOut = await Promise.race([ready.then(() => false), sleep(timeoutMs).then(() => true)]);
    if (timedOut) this.log(`revocations: not caught up after ${timeoutMs} ms; continuing in the background`);
  }

  /** Nest: a replica learns current revocations before it starts serving. */
  async onModuleInit(): Promise<void> {
    await this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  /** Reads the authorization server's current list. Absent URL or endpoint → false, no error. */
  async fetchList(): Promise<boolean> {
    const url = this.options.revocationsUrl;
    if (!url) return false;
    try {
      const res = await fetch(url, {
        headers: { accept: 'application/json', ...(this.options.revocationsToken ? { authorization: `Bearer ${this.options.revocationsToken}` } : {}) },
        signal: AbortSignal.timeout(5000),
      });
      if (!res.ok) {
        await res.arrayBuffer().catch(() => undefined);
        this.log(`revocations: ${url} answered ${res.status}`);
        return false;
      }
      const body = revocationListSchema.parse(await res.json());
      for (const r of body.revocations) this.add([r.jti], r.expires_at);
      for (const c of body.clients ?? []) this.addClient(c.client_id, c.issued_through, c.expires_at);
      this.listFetched = true;
      return true;
    } catch (err) {
      this.log(`revocations: could not read ${url}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  }

  private subscribe(): Promise<void> {
    let firstSetup: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (firstSetup = resolve));
    this.connection = connect([this.options.brokerUrl as string], { heartbeatIntervalInSeconds: 10, reconnectTimeInSeconds: 1 });
    this.connection.on('connectFailed', () => undefined);
    this.channel = this.connection.createChannel({
      json: false,
      confirm: false,
      // Runs on every (re)connect: a fresh server-named queue that lives only as long as this
      // connection, bound before the list is read so nothing is missed in between.
      setup: async (channel: ConfirmChannel) => {
        await channel.assertExchange(EVENTS_EXCHANGE, EVENTS_EXCHANGE_TYPE, EVENTS_EXCHANGE_OPTIONS);
        const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
        await channel.bindQueue(queue, EVENTS_EXCHANGE, EventType.TokenRevoked);
        await channel.consume(queue, (msg) => this.onMessage(msg), { noAck: true });
        // Revocations made while this replica was disconnected are only in the list. Not
        // awaited: setup returns at once, and fetchList never rejects (it logs its failures).
        void this.fetchList().finally(firstSetup);
      },
    });
    this.channel.on('error', (err: Error) => this.log(`revocations: channel error: ${err.message}`));
    return ready;
  }

  private onMessage(msg: ConsumeMessage | null): void {
    if (!msg) return;
    try {
      const event = parseEventJson(msg.content);
      if (event.type !== EventType.TokenRevoked) return;
      const data = tokenRevokedData.parse(event.data);
      this.add(data.jtis, data.expires_at);
      if (data.issued_through !== undefined) this.addClient(data.client_id, data.issued_through, data.expires_at);
      this.options.onRevoked?.(data.jtis, event.time);
    } catch (err) {
      // Acked anyway (noAck): a malformed revocation cannot be fixed by redelivery; the audit
      // queue dead-letters its own copy for inspection.
      this.log(`revocations: ignored a malformed message: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private startPolling(): Promise<void> {
    const period = this.options.pollIntervalMs ?? 5000;
    const loop = async () => {
      await this.fetchList();
      if (!this.stopped) {
        // Not awaited by the timer: loop never rejects (fetchList logs its own failures).
        this.pollTimer = setTimeout(() => void loop(), period);
        this.pollTimer.unref();
      }
    };
    return loop();
  }

  private log(message: string): void {
    (this.options.log ?? ((m: string) => process.stderr.write(`${m}\n`)))(message);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
