import type { PortcullisEvent } from '@portcullis/contracts';
import { GroupWriter, HotPathSql, outboxInsertKeyed, outboxKeyedEventParams } from '@portcullis/events';
import type { NewRefreshToken } from './typeorm-token.store';

/** One checked refresh, ready to be written: the refresh token presented and what it issues. */
export interface PendingRotation {
  /** Digest of the refresh token presented, to be spent. */
  presentedHash: string;
  grantId: string;
  clientId: string;
  accessToken: { jti: string; expiresAt: number };
  /** The successor refresh token (its digest), when one is issued. */
  refreshToken?: NewRefreshToken;
  now: number;
  event: PortcullisEvent;
}

/** Refreshes per statement: a fixed number of array parameters, however many rows. */
const MAX_BATCH = 256;

/**
 * Group commit for refresh-token rotation on PostgreSQL (OAuth 2.1 §4.3.1), as
 * CodeExchangeBatch is for codes: refreshes that arrive while a statement is in flight go
 * together in the next one — one statement, one commit — and each caller answers only after
 * its own rows are committed.
 *
 * Per row the statement is the whole rotation: the grant is locked (FOR UPDATE, in id order,
 * before any of its tokens, as revokeGrant locks it, so no two writers wait on each other in
 * a cycle) and counts only if not revoked and the caller's client's; the presented token is
 * spent only if it is still usable — not revoked, not expired, and unused or used within the
 * grace window (RFC 9700 §4.14.2; none when the window is 0) — and every write (access-token
 * record, successor, last use, event) reads from the rows spent. Under READ COMMITTED a
 * concurrent rotation of the same token is waited for and the condition re-checked against
 * its result, so with no grace window one presentation wins. A token appears at most once per
 * statement: a second presentation in the same group goes in the next statement, after the
 * first committed, and meets its rotation there.
 */
export class RefreshRotationBatch {
  private readonly writer = new GroupWriter<PendingRotation, boolean>((rotations) => this.writeGroup(rotations), MAX_BATCH);

  /** `graceMs`: how long a rotated-out token may still be spent (0: never). */
  constructor(
    private readonly sql: HotPathSql,
    private readonly graceMs: number,
  ) {}

  /** True when this rotation spent the presented token and its tokens and event are committed. */
  run(rotation: PendingRotation): Promise<boolean> {
    return this.writer.submit(rotation);
  }

  private async writeGroup(rotations: PendingRotation[]): Promise<boolean[]> {
    const outcomes = new Map<PendingRotation, boolean>();
    let pending = rotations;
    while (pending.length > 0) {
      const seen = new Set<string>();
      const unique = pending.filter((r) => !seen.has(r.presentedHash) && seen.add(r.presentedHash));
      const spent = await this.write(unique);
      for (const r of unique) outcomes.set(r, spent.has(r.presentedHash));
      pending = pending.filter((r) => !outcomes.has(r));
    }
    return rotations.map((r) => outcomes.get(r) === true);
  }

  private async write(rotations: PendingRotation[]): Promise<Set<string>> {
    const now = Date.now();
    const column = <T>(pick: (r: PendingRotation) => T) => rotations.map(pick);
    const rows = await this.sql.rows<{ presented_hash: string }>(ROTATE_REFRESH_TOKENS, [
      column((r) => r.presentedHash),
      column((r) => r.grantId),
      column((r) => r.accessToken.jti),
      column((r) => r.clientId),
      column((r) => r.accessToken.expiresAt),
      column((r) => r.refreshToken?.tokenHash ?? null),
      column((r) => r.refreshToken?.scope ?? null),
      column((r) => r.refreshToken?.expiresAt ?? null),
      column((r) => r.now),
      this.graceMs,
      ...outboxKeyedEventParams(rotations.map((r) => ({ key: r.presentedHash, event: r.event })), now),
    ]);
    return new Set(rows.map((r) => r.presented_hash));
  }
}

/** How stale grants.last_used_at may get before a refresh rewrites it (the account page shows it to the minute). */
export const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * $1–$9 the rotations as arrays (presented digest, grant, access token jti/client/expiry,
 * successor digest/scope/expiry, now), $10 the grace window in ms, $11–$15 their events (keyed
 * by presented digest). Returns the digests spent. rotated_at keeps its first value (a use in
 * the grace window does not extend the window); last_used_at is rewritten at most once a
 * minute per grant.
 */
const ROTATE_REFRESH_TOKENS = {
  name: 'portcullis_rotate_refresh_tokens',
  text: `WITH input AS (
    SELECT * FROM unnest(
      $1::varchar[], $2::varchar[], $3::varchar[], $4::varchar[], $5::bigint[], $6::varchar[], $7::text[], $8::bigint[], $9::bigint[]
    ) AS i("presented_hash", "grant_id", "jti", "client_id", "access_expires_at", "refresh_hash", "refresh_scope", "refresh_expires_at", "now")
  ), live AS (
    SELECT g."id", g."client_id" FROM "grants" g
    WHERE g."id" = ANY($2::varchar[]) AND g."revoked_at" IS NULL
    ORDER BY g."id"
    FOR UPDATE
  ), spent AS (
    UPDATE "refresh_tokens" t SET "rotated_at" = COALESCE(t."rotated_at", i."now")
    FROM input i JOIN live ON live."id" = i."grant_id" AND live."client_id" = i."client_id"
    -- = ANY lets the planner reach each presented token by its key, whatever it guesses of unnest's rows.
    WHERE t."token_hash" = ANY($1::varchar[]) AND t."token_hash" = i."presented_hash" AND t."grant_id" = i."grant_id"
      AND t."revoked_at" IS NULL AND t."expires_at" > i."now"
      AND (t."rotated_at" IS NULL OR ($10::bigint > 0 AND i."now" - t."rotated_at" <= $10::bigint))
    RETURNING i.*
  ), access_token AS (
    INSERT INTO "access_tokens" ("jti", "grant_id", "client_id", "expires_at")
    SELECT "jti", "grant_id", "client_id", "access_expires_at" FROM spent
  ), new_refresh AS (
    INSERT INTO "refresh_tokens" ("token_hash", "grant_id", "scope", "expires_at")
    SELECT "refresh_hash", "grant_id", "refresh_scope", "refresh_expires_at" FROM spent WHERE "refresh_hash" IS NOT NULL
  ), used AS (
    UPDATE "grants" g SET "last_used_at" = u."now"
    FROM (SELECT "grant_id", MAX("now") AS "now" FROM spent GROUP BY "grant_id") u
    WHERE g."id" = u."grant_id" AND (g."last_used_at" IS NULL OR g."last_used_at" <= u."now" - ${LAST_USED_RESOLUTION_MS})
  ), event AS (
    ${outboxInsertKeyed('spent', '"presented_hash"', 11)}
  )
  SELECT "presented_hash" FROM spent`,
};
