import { DynamicModule, Global, Module } from '@nestjs/common';
import { AUTH_CONFIG, AuthConfig } from './auth-config';

/** Provides the configuration parsed once at start (main.ts) to every module. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AuthConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: AUTH_CONFIG, useValue: config }], exports: [AUTH_CONFIG], global: true };
  }
}
