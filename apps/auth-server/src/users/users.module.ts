import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoginThrottle } from './login-throttle';
import { UsersService } from './users.service';
import { UserEntity } from './user.entity';
import { FederatedIdentityEntity } from './federated-identity.entity';
import { FederatedUsersService } from './federated-users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity, FederatedIdentityEntity])],
  providers: [UsersService, LoginThrottle, FederatedUsersService],
  exports: [UsersService, LoginThrottle, FederatedUsersService],
})
export class UsersModule {}
