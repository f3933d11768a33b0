export * from './lib/event-types';
export * from './lib/event-data.schemas';
export * from './lib/cloud-event';
export * from './lib/secret-field.guard';
export * from './lib/broker-topology';
export * from './lib/audit-stats';
