import { EVENTS_ENTITIES } from '@portcullis/events';
import { SigningKeyEntity } from '../keys/signing-key.entity';
import { ClientEntity } from '../clients/client.entity';
import { UserEntity } from '../users/user.entity';
import { FederatedIdentityEntity } from '../users/federated-identity.entity';
import { FederatedLoginAttemptEntity } from '../federation/federated-login-attempt.entity';
import { INTERACTION_ENTITIES } from '../authorize/interaction/interaction.entities';
import { TOKEN_ENTITIES } from '../token/token.entities';
import { UsedKeyEntity } from '../shared-state/used-key.entity';
import { SharedCounterEntity } from '../shared-state/shared-counter.entity';

/**
 * Every table the authorization server owns, in one place for the data source (the running
 * server and the migration CLI alike). Each feature module registers its own entities with
 * `TypeOrmModule.forFeature`; features never import database/.
 */
export const AUTH_ENTITIES = [
  SigningKeyEntity,
  ClientEntity,
  UserEntity,
  FederatedIdentityEntity,
  FederatedLoginAttemptEntity,
  ...INTERACTION_ENTITIES,
  ...TOKEN_ENTITIES,
  UsedKeyEntity,
  SharedCounterEntity,
  // The transactional outbox of audit events (libs/events).
  ...EVENTS_ENTITIES,
];
