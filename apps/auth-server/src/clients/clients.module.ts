import { Module } from '@nestjs/common';
import { AUTH_CONFIG } from '../config/auth-config';
import type { AuthConfig } from '../config/auth-config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientAuthenticator } from './client-authenticator';
import { ClientEventsPublisher } from './client-events.publisher';
import { ClientRegistrar } from './client-registrar';
import { ClientsService } from './clients.service';
import {
  ClientMetadataDocumentResolver,
  DEFAULT_METADATA_DOCUMENT_OPTIONS,
  MetadataDocumentOptions,
} from './metadata-document/client-metadata-document.resolver';
import { GUARDED_FETCH_OPTIONS } from './metadata-document/guarded-fetch';
import { ClientsFileLoader } from './preregistered/clients-file.loader';
import { PrivateKeyJwtVerifier } from './private-key-jwt.verifier';
import { RegistrationFloodGuard } from './registration/registration-flood.guard';
import { SharedStateModule } from '../shared-state/shared-state.module';
import { COUNTER_STORE } from '../shared-state/shared-state';
import type { CounterStore } from '../shared-state/shared-state';
import { RegistrationController } from './registration/registration.controller';
import { RegistrationService } from './registration/registration.service';
import { ClientEntity } from './client.entity';
import { ScopeDirectory } from '../resources/scope-directory';

@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity]), SharedStateModule],
  controllers: [RegistrationController],
  providers: [
    ClientsService,
    ClientAuthenticator,
    PrivateKeyJwtVerifier,
    {
      provide: GUARDED_FETCH_OPTIONS,
      inject: [AUTH_CONFIG, ScopeDirectory],
      useFactory: (config: AuthConfig, scopes: ScopeDirectory): MetadataDocumentOptions => ({
        ...DEFAULT_METADATA_DOCUMENT_OPTIONS,
        findScope: (name) => scopes.find(name),
        allowHttp: config.cimdAllowHttp,
        allowedPrivateHosts: config.cimdAllowedPrivateHosts,
      }),
    },
    {
      provide: ClientMetadataDocumentResolver,
      inject: [GUARDED_FETCH_OPTIONS, ClientEventsPublisher],
      useFactory: (options: MetadataDocumentOptions, events: ClientEventsPublisher) => new ClientMetadataDocumentResolver(options, events),
    },
    ClientEventsPublisher,
    ClientRegistrar,
    RegistrationService,
    ClientsFileLoader,
    {
      provide: RegistrationFloodGuard,
      inject: [AUTH_CONFIG, COUNTER_STORE],
      useFactory: (config: AuthConfig, counters: CounterStore) =>
        new RegistrationFloodGuard(counters, { limit: config.registrationRateLimit, windowMs: 60_000 }),
    },
  ],
  exports: [ClientsService, ClientAuthenticator, ClientRegistrar],
})
export class ClientsModule {}
