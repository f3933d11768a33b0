import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { DatabaseModule } from '../database/database.module';
import { KeysModule } from '../keys/keys.module';
import { IntrospectionController } from '../introspection/introspection.controller';
import { RevocationController } from '../revocation/revocation.controller';
import { RevocationListController } from '../revocation/revocation-list.controller';
import { AccessTokenIssuer } from './access-token.issuer';
import { GRANT_HANDLERS } from './grants/grant-handler';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant';
import { ClientCredentialsGrant } from './grants/client-credentials.grant';
import { RefreshTokenGrant } from './grants/refresh-token.grant';
import { GrantsService } from './grants.service';
import { OwnTokenInspector } from './own-token.inspector';
import { TokenController } from './token.controller';
import { TokenEventsPublisher } from './token-events.publisher';
import { ClientDeletionRevoker } from './client-deletion.revoker';

@Module({
  imports: [DatabaseModule, KeysModule, ClientsModule],
  controllers: [TokenController, RevocationController, RevocationListController, IntrospectionController],
  providers: [
    AccessTokenIssuer,
    GrantsService,
    OwnTokenInspector,
    TokenEventsPublisher,
    ClientDeletionRevoker,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    ClientCredentialsGrant,
    {
      provide: GRANT_HANDLERS,
      inject: [AuthorizationCodeGrant, RefreshTokenGrant, ClientCredentialsGrant],
      useFactory: (...handlers: unknown[]) => handlers,
    },
  ],
  exports: [GrantsService, AccessTokenIssuer],
})
export class TokenModule {}
