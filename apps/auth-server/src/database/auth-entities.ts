import { EVENTS_ENTITIES } from '@portcullis/events';
import { SigningKeyEntity } from '../keys/signing-key.entity';
import { ClientEntity } from '../clients/client.entity';
import { UserEntity } from '../users/user.entity';
import { InteractionEntity } from '../authorize/interaction/interaction.entity';
import { SessionEntity } from '../authorize/interaction/session.entity';
import { ConsentEntity } from '../authorize/interaction/consent.entity';
import { GrantEntity } from '../token/grant.entity';
import { AuthorizationCodeEntity } from '../token/authorization-code.entity';
import { RefreshTokenEntity } from '../token/refresh-token.entity';
import { AccessTokenRecordEntity } from '../token/access-token-record.entity';

/** Every table the authorization server owns. */
export const AUTH_ENTITIES = [
  SigningKeyEntity,
  ClientEntity,
  UserEntity,
  InteractionEntity,
  SessionEntity,
  ConsentEntity,
  GrantEntity,
  AuthorizationCodeEntity,
  RefreshTokenEntity,
  AccessTokenRecordEntity,
  // The transactional outbox of audit events (libs/events).
  ...EVENTS_ENTITIES,
];
