import { Module } from '@nestjs/common';
import { DatabaseModule } from '../database/database.module';
import { LoginThrottle } from './login-throttle';
import { UsersService } from './users.service';

@Module({
  imports: [DatabaseModule],
  providers: [UsersService, LoginThrottle],
  exports: [UsersService, LoginThrottle],
})
export class UsersModule {}
