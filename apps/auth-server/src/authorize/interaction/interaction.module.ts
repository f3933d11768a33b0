import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../../clients/clients.module';
import { TokenModule } from '../../token/token.module';
import { UsersModule } from '../../users/users.module';
import { InteractionController } from './interaction.controller';
import { InteractionService } from './interaction.service';
import { PasswordSignIn } from './password-sign-in';
import { INTERACTION_ENTITIES } from './interaction.entities';

/** Login and consent: the pages an authorization request passes through (OAuth 2.1 §4.1.1). */
@Module({
  imports: [TypeOrmModule.forFeature(INTERACTION_ENTITIES), ClientsModule, UsersModule, TokenModule],
  controllers: [InteractionController],
  providers: [InteractionService, PasswordSignIn],
  exports: [InteractionService, PasswordSignIn],
})
export class InteractionModule {}
