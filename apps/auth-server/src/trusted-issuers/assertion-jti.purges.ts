import { expiredRows, type PurgeTask } from '@portcullis/database';

/**
 * A jwt-bearer assertion's `jti` is remembered until the assertion expires (ID-JAG §7.4.2:
 * "at minimum until exp"); after that the assertion itself is refused as expired.
 */
export const ASSERTION_JTI_PURGES: PurgeTask[] = [expiredRows('assertion_jtis', 'key')];
