import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { ClientEntity } from '../clients/client.entity';
import { KeysModule } from '../keys/keys.module';
import { SigningKeyEntity } from '../keys/signing-key.entity';
import { TokenModule } from '../token/token.module';
import { GrantEntity } from '../token/grant.entity';
import { UsersModule } from '../users/users.module';
import { UserEntity } from '../users/user.entity';
import { AdminAccessGuard } from './access/admin-access.guard';
import { ADMIN_BEARER_PROVIDERS } from './access/admin-bearer.providers';
import { AdminResourceMetadataController } from './access/admin-resource-metadata.controller';
import { AdminClientsController } from './clients/admin-clients.controller';
import { AdminClientsService } from './clients/admin-clients.service';
import { ConsoleClientLoader } from './console-client/console-client.loader';
import { AdminGrantsController } from './grants/admin-grants.controller';
import { GrantsModule } from '../grants/grants.module';
import { AdminGrantsService } from './grants/admin-grants.service';
import { AdminKeysController } from './keys/admin-keys.controller';
import { OpenApiController } from './openapi/openapi.controller';
import { AdminResourcesController } from './resources/admin-resources.controller';
import { AdminInputInterceptor } from './routes/admin-input.interceptor';
import { AdminUsersController } from './users/admin-users.controller';
import { AdminUsersService } from './users/admin-users.service';

/**
 * The admin API (`${ISSUER_URL}/admin/...`): a protected resource of this server, for trusted
 * clients acting for people with the admin role; and the console's own client.
 */
@Module({
  imports: [TypeOrmModule.forFeature([ClientEntity, UserEntity, GrantEntity, SigningKeyEntity]), ClientsModule, UsersModule, TokenModule, KeysModule, GrantsModule],
  controllers: [
    AdminResourceMetadataController,
    AdminClientsController,
    AdminUsersController,
    AdminGrantsController,
    AdminKeysController,
    AdminResourcesController,
    OpenApiController,
  ],
  providers: [...ADMIN_BEARER_PROVIDERS, AdminAccessGuard, AdminInputInterceptor, AdminClientsService, AdminUsersService, AdminGrantsService, ConsoleClientLoader],
})
export class AdminModule {}
