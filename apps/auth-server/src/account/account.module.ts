import { Module } from '@nestjs/common';
import { InteractionModule } from '../authorize/interaction/interaction.module';
import { GrantsModule } from '../grants/grants.module';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';

/** The person's own account page: the applications they connected, revocable (account.controller.ts). */
@Module({
  imports: [InteractionModule, GrantsModule, UsersModule],
  controllers: [AccountController],
})
export class AccountModule {}
