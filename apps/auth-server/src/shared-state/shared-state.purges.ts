import { expiredRows, type PurgeTask } from '@portcullis/database';

/**
 * Used assertion keys (jwt-bearer `jti`s, ID-JAG §7.4.2: kept "at minimum until exp";
 * private_key_jwt `jti`s, RFC 7523 §3 item 7) go once their assertion has expired: it is then
 * refused as expired anyway. An expired counter counts nothing (sql-state.ts starts it afresh).
 */
export const SHARED_STATE_PURGES: PurgeTask[] = [expiredRows('assertion_jtis', 'key'), expiredRows('shared_counters', 'key')];
