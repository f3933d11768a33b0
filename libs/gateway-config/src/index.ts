export * from './lib/gateway-file.schema';
export * from './lib/gateway-file';
export * from './lib/upstream-policy';
