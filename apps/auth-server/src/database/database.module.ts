import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { AUTH_ENTITIES } from './auth-entities';
import { authDataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AUTH_CONFIG],
      useFactory: (config: AuthConfig) => authDataSourceOptions(config),
    }),
    TypeOrmModule.forFeature(AUTH_ENTITIES),
  ],
  exports: [TypeOrmModule],
})
export class DatabaseModule {}
