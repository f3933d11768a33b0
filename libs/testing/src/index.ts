export * from './lib/test-database';
export * from './lib/free-port';
export * from './lib/start-service';
export * from './lib/round-robin-proxy';
export * from './lib/test-issuer';
export * from './lib/barrier-proxy';
export * from './lib/nginx';
