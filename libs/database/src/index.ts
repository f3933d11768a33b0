export * from './lib/epoch-column';
export * from './lib/startup-lock';
export * from './lib/startup-lock.module';
export * from './lib/service-data-source';
export * from './lib/fail-fast-redis';
