import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sha256Base64Url } from '@portcullis/oauth';
import { AssertionJtiEntity } from './assertion-jti.entity';

/** How often expired entries are deleted (by whichever replica records a use after that). */
const PURGE_EVERY_MS = 60_000;

/**
 * The jwt-bearer assertions already used (RFC 7523 §3 item 7; required by the ID-JAG profile
 * §7.4.2 and the MCP WIF extension's `jti`). `use` is one insert that either adds the entry or
 * meets the primary key: the same assertion presented twice at once to two replicas is
 * accepted by exactly one.
 */
@Injectable()
export class AssertionJtiLedger {
  private nextPurge = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records the use; false when this issuer's `jti` was used before (a replay). */
  async use(issuer: string, jti: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    await this.purgeExpired(now);
    const key = sha256Base64Url(`${issuer}\n${jti}`);
    // Same statement on both engines (SQLite ≥ 3.35 has RETURNING); only placeholders differ.
    const [a, b] = this.dataSource.options.type === 'postgres' ? ['$1', '$2'] : ['?', '?'];
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO "assertion_jtis" ("key", "expires_at") VALUES (${a}, ${b}) ON CONFLICT DO NOTHING RETURNING "key"`,
      [key, expiresAt],
    );
    return rows.length === 1;
  }

  private async purgeExpired(now: number): Promise<void> {
    if (now < this.nextPurge) return;
    this.nextPurge = now + PURGE_EVERY_MS;
    await this.dataSource.createQueryBuilder().delete().from(AssertionJtiEntity).where('expires_at < :now', { now }).execute();
  }
}
