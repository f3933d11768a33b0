import type { PortcullisEvent } from '@portcullis/contracts';
import { GroupWriter, HotPathSql, outboxInsertKeyed, outboxKeyedEventParams } from '@portcullis/events';
import type { NewRefreshToken } from './typeorm-token.store';

/** One checked code exchange, ready to be written: the code to spend and what it issues. */
export interface PendingExchange {
  codeHash: string;
  grantId: string;
  clientId: string;
  accessToken: { jti: string; expiresAt: number };
  /** A new refresh token of the family (its digest), when one is issued. */
  refreshToken?: NewRefreshToken;
  event: PortcullisEvent;
}

/** consumed: this statement spent the code. live: the grant was not revoked, so the tokens exist. */
export interface ExchangeOutcome {
  consumed: boolean;
  live: boolean;
}

/** Exchanges per statement: a fixed number of array parameters, however many rows. */
const MAX_BATCH = 256;

/**
 * Group commit for code exchanges on PostgreSQL. Each exchange is a durable write — the code
 * spent, the grant locked, access-token record, refresh token and event inserted — and one
 * commit per exchange made the commit, not the work, the cost. Exchanges that arrive while a
 * statement is in flight gather and go together in the next one: one statement, one commit,
 * and each caller still answers only after its own rows are committed.
 *
 * Per row the statement does exactly what the single exchange does (SqliteTokenStore): the
 * code is spent only if unused, the grant is locked (FOR UPDATE, in id order, so two batches
 * never wait on each other in a cycle) and counts only if not revoked, and every write reads
 * from the rows that passed both. A code appears at most once per statement.
 */
export class CodeExchangeBatch {
  private readonly writer = new GroupWriter<PendingExchange, ExchangeOutcome>((exchanges) => this.writeGroup(exchanges), MAX_BATCH);

  constructor(private readonly sql: HotPathSql) {}

  run(exchange: PendingExchange): Promise<ExchangeOutcome> {
    return this.writer.submit(exchange);
  }

  private async writeGroup(exchanges: PendingExchange[]): Promise<ExchangeOutcome[]> {
    // The same code twice (a replay racing the first use): only the first goes in; the other
    // is reported unspent — a replay.
    const seen = new Set<string>();
    const unique = exchanges.filter((e) => !seen.has(e.codeHash) && seen.add(e.codeHash));
    const outcomes = await this.write(unique);
    const firsts = new Set(unique);
    return exchanges.map((e) => (firsts.has(e) && outcomes.get(e.codeHash)) || { consumed: false, live: false });
  }

  private async write(exchanges: PendingExchange[]): Promise<Map<string, ExchangeOutcome>> {
    const now = Date.now();
    const column = <T>(pick: (e: PendingExchange) => T) => exchanges.map(pick);
    const rows = await this.sql.rows<{ code_hash: string; consumed: boolean; live: boolean }>(EXCHANGE_CODES, [
      column((e) => e.codeHash),
      column((e) => e.grantId),
      column((e) => e.accessToken.jti),
      column((e) => e.clientId),
      column((e) => e.accessToken.expiresAt),
      column((e) => e.refreshToken?.tokenHash ?? null),
      column((e) => e.refreshToken?.scope ?? null),
      column((e) => e.refreshToken?.expiresAt ?? null),
      now,
      ...outboxKeyedEventParams(exchanges.map((e) => ({ key: e.codeHash, event: e.event })), now),
    ]);
    return new Map(rows.map((r) => [r.code_hash, { consumed: r.consumed, live: r.live }]));
  }
}

/**
 * $1–$8 the exchanges as arrays, $9 now, $10–$14 their events (keyed by code digest). The
 * grant's first use is the code's `consumed_at`, written here anyway: grants.last_used_at is
 * left alone (GrantsService reads the one when the other is null), so an exchange writes no
 * more rows than it did.
 */
const EXCHANGE_CODES = {
  name: 'portcullis_exchange_codes',
  text: `WITH input AS (
    SELECT * FROM unnest(
      $1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[], $6::varchar[], $7::text[], $8::bigint[]
    ) AS i("code_hash", "grant_id", "jti", "client_id", "access_expires_at", "refresh_hash", "refresh_scope", "refresh_expires_at")
  ), code AS (
    UPDATE "authorization_codes" c SET "consumed_at" = $9::bigint
    FROM input i
    WHERE c."code_hash" = i."code_hash" AND c."grant_id" = i."grant_id" AND c."consumed_at" IS NULL
    RETURNING c."code_hash"
  ), live AS (
    SELECT i.* FROM "grants" g
    JOIN input i ON i."grant_id" = g."id"
    JOIN code ON code."code_hash" = i."code_hash"
    WHERE g."revoked_at" IS NULL
    ORDER BY g."id"
    FOR UPDATE OF g
  ), access_token AS (
    INSERT INTO "access_tokens" ("jti", "grant_id", "client_id", "expires_at")
    SELECT "jti", "grant_id", "client_id", "access_expires_at" FROM live
  ), new_refresh AS (
    INSERT INTO "refresh_tokens" ("token_hash", "grant_id", "scope", "expires_at")
    SELECT "refresh_hash", "grant_id", "refresh_scope", "refresh_expires_at" FROM live WHERE "refresh_hash" IS NOT NULL
  ), event AS (
    ${outboxInsertKeyed('live', '"code_hash"', 10)}
  )
  SELECT i."code_hash", code."code_hash" IS NOT NULL AS "consumed", live."code_hash" IS NOT NULL AS "live"
  FROM input i
  LEFT JOIN code ON code."code_hash" = i."code_hash"
  LEFT JOIN live ON live."code_hash" = i."code_hash"`,
};
