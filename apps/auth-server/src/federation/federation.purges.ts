import { expiredRows, type PurgeTask } from '@portcullis/database';

/** A trip upstream whose callback never came: past its expiry the callback is refused anyway. */
export const FEDERATION_PURGES: PurgeTask[] = [expiredRows('federated_login_attempts', 'state_hash')];
