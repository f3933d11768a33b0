import { Module } from '@nestjs/common';
import { ClientsModule } from '../../clients/clients.module';
import { DatabaseModule } from '../../database/database.module';
import { TokenModule } from '../../token/token.module';
import { UsersModule } from '../../users/users.module';
import { InteractionController } from './interaction.controller';
import { InteractionService } from './interaction.service';

/** Login and consent: the pages an authorization request passes through (OAuth 2.1 §4.1.1). */
@Module({
  imports: [DatabaseModule, ClientsModule, UsersModule, TokenModule],
  controllers: [InteractionController],
  providers: [InteractionService],
  exports: [InteractionService],
})
export class InteractionModule {}
