import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { ClientAuthenticator } from './client-authenticator';
import { ClientEventsPublisher } from './client-events.publisher';
import { ClientRegistrar } from './client-registrar';
import { ClientsService } from './clients.service';
import { ClientMetadataDocumentResolver } from './metadata-document/client-metadata-document.resolver';
import { ClientsFileLoader } from './preregistered/clients-file.loader';
import { PrivateKeyJwtVerifier } from './private-key-jwt.verifier';
import { RegistrationFloodGuard } from './registration/registration-flood.guard';
import { RegistrationController } from './registration/registration.controller';
import { RegistrationService } from './registration/registration.service';

@Module({
  imports: [DatabaseModule],
  controllers: [RegistrationController],
  providers: [
    ClientsService,
    ClientAuthenticator,
    PrivateKeyJwtVerifier,
    ClientMetadataDocumentResolver,
    ClientEventsPublisher,
    ClientRegistrar,
    RegistrationService,
    ClientsFileLoader,
    { provide: RegistrationFloodGuard, useFactory: () => new RegistrationFloodGuard() },
  ],
  exports: [ClientsService, ClientAuthenticator, ClientRegistrar],
})
export class ClientsModule {}
