import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { KeysModule } from '../keys/keys.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { GRANT_HANDLERS } from './grant-types/grant-handler';
import { AuthorizationCodeGrant } from './grant-types/authorization-code.grant';
import { ClientCredentialsGrant } from './grant-types/client-credentials.grant';
import { RefreshTokenGrant } from './grant-types/refresh-token.grant';
import { AccessTokenRecords } from './stores/access-token-records';
import { TokenStore } from './stores/token-store';
import { TOKEN_STORE_PROVIDER } from './stores/token-store.provider';
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
    TOKEN_STORE_PROVIDER,
    AccessTokenRecords,
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
  exports: [TokenStore, AccessTokenRecords, AccessTokenIssuer, OwnTokenInspector, TokenEventsPublisher],
})
export class TokenModule {}
