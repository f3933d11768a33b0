import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { InteractionModule } from '../authorize/interaction/interaction.module';
import { UsersModule } from '../users/users.module';
import { FederatedLoginAttemptEntity } from './federated-login-attempt.entity';
import { FederatedLoginService } from './federated-login.service';
import { FederationController } from './federation.controller';
import { UpstreamProviders } from './upstream-providers';

/** Sign-in with an upstream OpenID Provider (OIDC Core §3.1, as a Relying Party). */
@Module({
  imports: [TypeOrmModule.forFeature([FederatedLoginAttemptEntity]), InteractionModule, UsersModule],
  controllers: [FederationController],
  providers: [FederatedLoginService, UpstreamProviders],
})
export class FederationModule {}
