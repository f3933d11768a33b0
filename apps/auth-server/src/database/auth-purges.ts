import type { PurgeTask } from '@portcullis/database';
import { INTERACTION_PURGES } from '../authorize/interaction/interaction.purges';
import { FEDERATION_PURGES } from '../federation/federation.purges';
import { SHARED_STATE_PURGES } from '../shared-state/shared-state.purges';
import { TOKEN_PURGES } from '../token/token.purges';

/**
 * Every purge the authorization server runs on a schedule (PURGE_INTERVAL_SECONDS), composed
 * like AUTH_ENTITIES: each feature declares what of its own tables may go and why. Not here:
 * the outbox (a delivered event is deleted as it is confirmed, libs/events), signing keys
 * (SigningKeysService deletes a retired key once its publication ends), clients, users,
 * consents and federated identities (they do not expire).
 */
export const AUTH_PURGES: PurgeTask[] = [...TOKEN_PURGES, ...INTERACTION_PURGES, ...FEDERATION_PURGES, ...SHARED_STATE_PURGES];
