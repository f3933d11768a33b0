import { Global, Module } from '@nestjs/common';
import { eventProducerOptions, EventsModule } from '@portcullis/events';
import { AUTH_CONFIG, AuthConfig } from '../config/auth-config';
import { AuditTrail } from './audit-trail';
import { AuthMetrics } from './auth-metrics';
import { RepeatedRejections } from './repeated-rejections';

export const AUTH_SERVER_EVENT_SOURCE = '/portcullis/auth-server';

@Global()
@Module({
  imports: [
    EventsModule.forRootAsync({
      inject: [AUTH_CONFIG],
      useFactory: (config: AuthConfig) => ({
        source: AUTH_SERVER_EVENT_SOURCE,
        ...eventProducerOptions(config),
      }),
    }),
  ],
  providers: [AuditTrail, RepeatedRejections, AuthMetrics],
  exports: [AuditTrail, RepeatedRejections, AuthMetrics],
})
export class AuditModule {}
