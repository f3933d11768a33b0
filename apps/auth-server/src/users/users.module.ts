import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoginThrottle } from './login-throttle';
import { UsersService } from './users.service';
import { UserEntity } from './user.entity';
import { FederatedIdentityEntity } from './federated-identity.entity';
import { FederatedUsersService } from './federated-users.service';
import { UserAccountsService } from './user-accounts.service';
import { SharedStateModule } from '../shared-state/shared-state.module';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, FederatedIdentityEntity]), SharedStateModule],
  providers: [UsersService, LoginThrottle, FederatedUsersService, UserAccountsService],
  exports: [UsersService, LoginThrottle, FederatedUsersService, UserAccountsService],
})
export class UsersModule {}
