import { expiredRows, type PurgeTask } from '@portcullis/database';

/**
 * An authorization request past INTERACTION_TTL can no longer be completed, and a session past
 * SESSION_TTL no longer logs anyone in: both are refused on expiry already, so their rows only
 * take room. Consents do not expire (a person's decision stands until revoked).
 */
export const INTERACTION_PURGES: PurgeTask[] = [expiredRows('interactions', 'id'), expiredRows('sessions', 'id_hash')];
