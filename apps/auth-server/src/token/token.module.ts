import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { KeysModule } from '../keys/keys.module';
import { AccessTokenIssuer } from './access-token.issuer';
import { GRANT_HANDLERS, GrantHandler } from './grant-types/grant-handler';
import { AuthorizationCodeGrant } from './grant-types/authorization-code.grant';
import { ClientCredentialsGrant } from './grant-types/client-credentials.grant';
import { RefreshTokenGrant } from './grant-types/refresh-token.grant';
import { JwtBearerGrant } from './grant-types/jwt-bearer.grant';
import { JwtBearerIssuance } from './grant-types/jwt-bearer.issuance';
import { TrustedIssuersModule } from '../trusted-issuers/trusted-issuers.module';
import { TrustedIssuerDirectory } from '../trusted-issuers/trusted-issuer.directory';
import { AccessTokenRecords } from './stores/access-token-records';
import { TokenStore } from './stores/token-store';
import { TOKEN_STORE_PROVIDER } from './stores/token-store.provider';
import { OwnTokenInspector } from './own-token.inspector';
import { TokenController } from './token.controller';
import { TokenEventsPublisher } from './token-events.publisher';
import { ClientDeletionRevoker } from './client-deletion.revoker';
import { ClientTokenCutoffs } from './client-token-cutoffs';
import { TOKEN_ENTITIES } from './token.entities';
import { UsersModule } from '../users/users.module';

@Module({
  imports: [TypeOrmModule.forFeature(TOKEN_ENTITIES), KeysModule, ClientsModule, TrustedIssuersModule, UsersModule],
  controllers: [TokenController],
  providers: [
    AccessTokenIssuer,
    TOKEN_STORE_PROVIDER,
    AccessTokenRecords,
    OwnTokenInspector,
    TokenEventsPublisher,
    ClientDeletionRevoker,
    ClientTokenCutoffs,
    AuthorizationCodeGrant,
    RefreshTokenGrant,
    ClientCredentialsGrant,
    JwtBearerGrant,
    JwtBearerIssuance,
    {
      provide: GRANT_HANDLERS,
      inject: [TrustedIssuerDirectory, AuthorizationCodeGrant, RefreshTokenGrant, ClientCredentialsGrant, JwtBearerGrant],
      // The jwt-bearer grant exists only when TRUSTED_ISSUERS_FILE declares an issuer; otherwise
      // it is unsupported_grant_type, as the metadata says.
      useFactory: (issuers: TrustedIssuerDirectory, ...handlers: GrantHandler[]) =>
        handlers.filter((h) => !(h instanceof JwtBearerGrant) || issuers.any),
    },
  ],
  // Revocation and introspection (their own modules) act on tokens through these.
  exports: [TokenStore, AccessTokenRecords, ClientTokenCutoffs, AccessTokenIssuer, OwnTokenInspector, TokenEventsPublisher],
})
export class TokenModule {}
