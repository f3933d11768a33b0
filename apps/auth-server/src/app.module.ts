import { DynamicModule, Module } from '@nestjs/common';
import { AuthConfig } from './config/auth-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule, DatabaseModuleOptions } from './database/database.module';
import { AuditModule } from './audit/audit.module';
import { ResourcesModule } from './resources/resources.module';
import { MetadataModule } from './metadata/metadata.module';
import { KeysModule } from './keys/keys.module';
import { ClientsModule } from './clients/clients.module';
import { UsersModule } from './users/users.module';
import { AuthorizeModule } from './authorize/authorize.module';
import { FederationModule } from './federation/federation.module';
import { TokenModule } from './token/token.module';
import { GrantsModule } from './grants/grants.module';
import { AccountModule } from './account/account.module';
import { RevocationModule } from './revocation/revocation.module';
import { IntrospectionModule } from './introspection/introspection.module';
import { AdminModule } from './admin/admin.module';
import { ConsoleModule } from './console/console.module';
import { DatabaseHealthModule } from '@portcullis/http';
import { metricsOptions, MetricsModule } from '@portcullis/metrics';

@Module({})
export class AppModule {
  static forRoot(config: AuthConfig, options: DatabaseModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(options),
        AuditModule,
        ResourcesModule,
        MetadataModule,
        KeysModule,
        ClientsModule,
        UsersModule,
        AuthorizeModule,
        FederationModule,
        TokenModule,
        GrantsModule,
        AccountModule,
        RevocationModule,
        IntrospectionModule,
        AdminModule,
        ConsoleModule,
        DatabaseHealthModule,
        MetricsModule.forRoot(metricsOptions(config)),
      ],
    };
  }
}
