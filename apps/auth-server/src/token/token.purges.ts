import type { DataSource } from 'typeorm';
import { deleteRows, expiredRows, placeholder, type PurgeTask } from '@portcullis/database';

/**
 * What the token store lets go of, and why that cannot weaken a check:
 * - an access-token record past its expiry: no resource server accepts the token any more, so
 *   neither its revocation (RFC 7009 §2) nor naming it when its family is revoked matters;
 * - a refresh token past its expiry: presented, it is refused as expired before any reuse check
 *   (refresh-token.grant.ts), so a rotated one is kept exactly as long as its reuse can still be
 *   detected (OAuth 2.1 §4.3.1) — and each successor expires later, so the family's chain lives on;
 * - a grant (the family) with its authorization codes, only once nothing of it can still be
 *   used: every code, refresh token and access token of it expired. A consumed code is kept as
 *   long as a replay of it must revoke what it issued (RFC 6749 §4.1.2, OAuth 2.1 §4.1.3).
 * - a client cutoff past its expiry: every token it covers has expired (client-token-cutoffs.ts).
 * Order matters only for completeness within one round: tokens first, then the families they freed.
 */
export const TOKEN_PURGES: PurgeTask[] = [
  expiredRows('access_tokens', 'jti'),
  expiredRows('refresh_tokens', 'token_hash'),
  expiredRows('client_token_cutoffs', 'client_id'),
  { name: 'grants', purgeBatch: purgeEndedFamilies },
];

async function purgeEndedFamilies(db: DataSource, now: number, batchSize: number): Promise<number> {
  const $ = (n: number) => placeholder(db, n);
  const ended: { id: string }[] = await db.query(
    `SELECT g."id" FROM "grants" g WHERE g."created_at" <= ${$(1)}
      AND NOT EXISTS (SELECT 1 FROM "authorization_codes" c WHERE c."grant_id" = g."id" AND c."expires_at" > ${$(2)})
      AND NOT EXISTS (SELECT 1 FROM "refresh_tokens" r WHERE r."grant_id" = g."id" AND r."expires_at" > ${$(3)})
      AND NOT EXISTS (SELECT 1 FROM "access_tokens" a WHERE a."grant_id" = g."id" AND a."expires_at" > ${$(4)})
      LIMIT ${$(5)}`,
    [now, now, now, now, batchSize],
  );
  if (ended.length === 0) return 0;
  const ids = ended.map((g) => g.id);
  const list = ids.map((_, i) => $(i + 1)).join(', ');
  // The codes and the grant go together: a code is never left without the family it names.
  return db.transaction(async (tx) => {
    await deleteRows(tx, `DELETE FROM "authorization_codes" WHERE "grant_id" IN (${list})`, ids);
    return deleteRows(tx, `DELETE FROM "grants" WHERE "id" IN (${list})`, ids);
  });
}
