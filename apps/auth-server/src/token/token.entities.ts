import { AccessTokenRecordEntity } from './access-token-record.entity';
import { AuthorizationCodeEntity } from './authorization-code.entity';
import { ClientTokenCutoffEntity } from './client-token-cutoff.entity';
import { GrantEntity } from './grant.entity';
import { RefreshTokenEntity } from './refresh-token.entity';

/** The token feature's tables (registered by TokenModule; composed for the data source in database/). */
export const TOKEN_ENTITIES = [GrantEntity, AuthorizationCodeEntity, RefreshTokenEntity, AccessTokenRecordEntity, ClientTokenCutoffEntity];
