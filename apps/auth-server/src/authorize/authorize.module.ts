import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module';
import { AuthorizationRequestValidator } from './authorization-request.validator';
import { AuthorizeController } from './authorize.controller';
import { InteractionModule } from './interaction/interaction.module';

@Module({
  imports: [ClientsModule, InteractionModule],
  controllers: [AuthorizeController],
  providers: [AuthorizationRequestValidator],
})
export class AuthorizeModule {}
