import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { DatabaseModule } from '../database/database.module';
import { InteractionController } from '../interaction/interaction.controller';
import { InteractionService } from '../interaction/interaction.service';
import { TokenModule } from '../token/token.module';
import { UsersModule } from '../users/users.module';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { AuthorizeController } from './authorize.controller';

@Module({
  imports: [DatabaseModule, ClientsModule, UsersModule, TokenModule],
  controllers: [AuthorizeController, InteractionController],
  providers: [AuthorizationRequestValidator, InteractionService],
})
export class AuthorizeModule {}
