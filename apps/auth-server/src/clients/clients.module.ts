import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { ClientAuthenticator } from './client-authenticator';
import { ClientsService } from './clients.service';
import { ClientMetadataDocumentResolver } from './metadata-document/client-metadata-document.resolver';
import { PrivateKeyJwtVerifier } from './private-key-jwt.verifier';

@Module({
  imports: [DatabaseModule],
  providers: [ClientsService, ClientAuthenticator, PrivateKeyJwtVerifier, ClientMetadataDocumentResolver],
  exports: [ClientsService, ClientAuthenticator],
})
export class ClientsModule {}
