import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { KeysModule } from '../keys/keys.module';
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
import { TOKEN_ENTITIES } from './token.entities';

@Module({
  imports: [TypeOrmModule.forFeature(TOKEN_ENTITIES), KeysModule, ClientsModule],
  controllers: [TokenController],
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
  // Revocation and introspection (their own modules) act on tokens through these.
  exports: [GrantsService, AccessTokenIssuer, OwnTokenInspector, TokenEventsPublisher],
})
export class TokenModule {}
