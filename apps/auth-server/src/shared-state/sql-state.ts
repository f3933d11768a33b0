import { DataSource } from 'typeorm';
import { queryNumbered } from '@portcullis/database';
import { sha256Base64Url } from '@portcullis/oauth';
import type { CounterLifetime, CounterState, CounterStore, UseOnceLedger } from './shared-state';
import { SharedCounterEntity } from './shared-counter.entity';

/**
 * The database as the store every replica shares. Each write is one statement that is atomic
 * on its own (INSERT … ON CONFLICT), the same text on PostgreSQL and SQLite ≥ 3.35; only the
 * placeholders differ. Keys are stored as sha256 digests (fixed width; no usernames at rest).
 * Expired rows are deleted by the purge schedule (shared-state.purges.ts), off the request path.
 */
export class SqlState implements UseOnceLedger, CounterStore {
  constructor(private readonly dataSource: DataSource) {}

  async use(key: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    const digest = sha256Base64Url(key);
    // An expired row still there (not yet purged) is taken over, so an old key may be used again.
    const rows = await this.query<unknown>(
      `INSERT INTO "assertion_jtis" ("key", "expires_at") VALUES ($1, $2)
       ON CONFLICT ("key") DO UPDATE SET "expires_at" = excluded."expires_at" WHERE "assertion_jtis"."expires_at" <= $3
       RETURNING "key"`,
      [digest, expiresAt, now],
    );
    return rows.length === 1;
  }

  async add(key: string, ttlMs: number, lifetime: CounterLifetime, now = Date.now()): Promise<{ count: number; expiresAt: number }> {
    const expired = '"shared_counters"."expires_at" <= $3';
    // A window keeps the expiry of its first count; a sliding counter moves it with each count.
    const expiry = lifetime === 'window' ? `CASE WHEN ${expired} THEN excluded."expires_at" ELSE "shared_counters"."expires_at" END` : 'excluded."expires_at"';
    const rows = await this.query<{ count: number | string; expires_at: number | string }>(
      `INSERT INTO "shared_counters" ("key", "count", "last_at", "expires_at") VALUES ($1, 1, $3, $2)
       ON CONFLICT ("key") DO UPDATE SET
         "count" = CASE WHEN ${expired} THEN 1 ELSE "shared_counters"."count" + 1 END,
         "expires_at" = ${expiry},
         "last_at" = excluded."last_at"
       RETURNING "count", "expires_at"`,
      [sha256Base64Url(key), now + ttlMs, now],
    );
    return { count: Number(rows[0].count), expiresAt: Number(rows[0].expires_at) };
  }

  async read(keys: string[], now = Date.now()): Promise<Map<string, CounterState>> {
    const byDigest = new Map(keys.map((k) => [sha256Base64Url(k), k]));
    const rows = await this.dataSource
      .getRepository(SharedCounterEntity)
      .createQueryBuilder('c')
      .where('c.key IN (:...digests)', { digests: [...byDigest.keys()] })
      .andWhere('c.expires_at > :now', { now })
      .getMany();
    return new Map(rows.map((r) => [byDigest.get(r.key) as string, { count: r.count, lastAt: r.lastAt }]));
  }

  async clear(key: string): Promise<void> {
    await this.dataSource.getRepository(SharedCounterEntity).delete({ key: sha256Base64Url(key) });
  }

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return queryNumbered<T>(this.dataSource, sql, params);
  }
}
