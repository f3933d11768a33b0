import { DynamicModule, Module, ModuleMetadata } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditEvents, EventsOptions } from './audit-events';

export const EVENTS_OPTIONS = Symbol('EVENTS_OPTIONS');

export interface EventsModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: unknown[];
  useFactory: (...args: never[]) => EventsOptions | Promise<EventsOptions>;
}

/**
 * Producer wiring for a Nest app that already has a TypeORM DataSource (TypeOrmModule) with
 * OutboxEventEntity among its entities and CreateEventOutbox among its migrations.
 * Inject `AuditEvents` and call `emit(type, data, { manager })` inside the transaction.
 */
@Module({})
export class EventsModule {
  static forRoot(options: EventsOptions): DynamicModule {
    return EventsModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: EventsModuleAsyncOptions): DynamicModule {
    return {
      module: EventsModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        { provide: EVENTS_OPTIONS, useFactory: options.useFactory, inject: (options.inject ?? []) as never[] },
        {
          provide: AuditEvents,
          useFactory: (dataSource: DataSource, eventsOptions: EventsOptions) => new AuditEvents(dataSource, eventsOptions),
          inject: [DataSource, EVENTS_OPTIONS],
        },
      ],
      exports: [AuditEvents],
    };
  }
}
