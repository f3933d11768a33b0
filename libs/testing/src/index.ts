export * from './lib/test-database';
export * from './lib/free-port';
