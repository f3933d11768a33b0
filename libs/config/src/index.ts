export * from './lib/load-config';
export * from './lib/env-types';
export * from './lib/trust-proxy';
export * from './lib/development-only';
export * from './lib/camel-case-keys';
export * from './lib/config-schema';
export * from './lib/file-setting';
